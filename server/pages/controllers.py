"""Files the browser needs at fixed URLs: the service worker, the manifest, a health check."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response

from server import __version__, i18n
from server.i18n import N_
from server.notify import vapid
from server.pages.static_files import STATIC_DIR, shell_urls
from server.settings import ROOT, Settings
from server.web import t

SW_DIR = ROOT / "service_worker"
WORKER_MESSAGES = {
    "offline_title": N_("No network"),
    "offline_text": N_(
        "This page was not opened on this phone before, so it cannot be shown offline. "
        "Entries you save are kept on the phone and sent when the network is back."
    ),
    "today": N_("Today"),
    "sync": N_("Sync"),
    "back": N_("Back to the form"),
    "not_saved_title": N_("Not saved"),
    "not_saved_text": N_(
        "This phone could not store the visit (it may be out of space). "
        "Go back, free some space and save again."
    ),
    "logout_title": N_("Logged out on this phone"),
    "logout_text": N_(
        "This phone no longer keeps the pages of your account; entries not yet sent stay. "
        "With no network the server has not been told yet: that is finished as soon as "
        "the network is back."
    ),
    "login": N_("Log in"),
    "not_saved_invalid": N_(
        "The visit could not be saved offline: go back, check the form and save again."
    ),
    # Push notifications: the worker's own words for each kind (a push carries no text).
    "push_default": N_("Doorstep: something new"),
    "push_body": N_("Tap to open."),
    "push_notice": N_("New notice"),
    "push_notice_urgent": N_("Urgent notice"),
    "push_pairing": N_("New households paired with you"),
    "push_flagged": N_("Entries to check"),
    "push_urgent_need": N_("An urgent need was reported"),
    "push_stale_phone": N_("A phone has not synced for days"),
    "push_reminder_24h": N_("Activity tomorrow"),
    "push_reminder_2h": N_("Activity in two hours"),
    "push_activity_new": N_("New activity"),
    "push_activity_changed": N_("An activity changed"),
    "push_activity_cancelled": N_("An activity was cancelled"),
    "push_waitlist_promoted": N_("You have a place at an activity"),
}
"""What the worker writes itself (the offline page, a form it could not store)."""


WORKER_ENTRY = "sw.js"
"""The worker's entry module (served at ``/sw.js``); the others are served at ``/sw/NAME``."""


def worker_modules() -> dict[str, str]:
    """The worker's own modules by file name (``sw.js``, ``caches.js``, ...)."""
    return {p.name: p.read_text() for p in sorted(SW_DIR.glob("*.js"))}


@cache
def _worker_version(settings_key: str) -> str:
    """A content hash of everything the worker imports and of the deploy's settings.

    Every module the worker imports lives in ``service_worker/`` or ``web/static/``, and
    its configuration (``/sw/config.js``) is made from the settings and the catalogue.
    """
    digest = hashlib.sha256()
    for path in [*sorted(SW_DIR.glob("*.js")), *sorted(STATIC_DIR.rglob("*"))]:
        if path.is_file():
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update(settings_key.encode())
    digest.update(json.dumps(worker_messages(), sort_keys=True).encode())
    return digest.hexdigest()[:12]


def worker_version(settings: Settings) -> str:
    """Changes with every deploy that changes the worker, the static files or htmx."""
    return _worker_version(settings.htmx_url + settings.htmx_integrity)


def worker_messages() -> dict[str, dict[str, str]]:
    """The worker's own texts in every language (it has no templates)."""
    return {
        language: {
            "lang": "zh-CN" if language == "zh_CN" else "en",
            **{key: i18n.gettext(language, text) for key, text in WORKER_MESSAGES.items()},
        }
        for language in i18n.LANGUAGES
    }


def worker_csp(settings: Settings) -> str:
    """The worker's own policy: like the pages', plus fetching htmx to cache it."""
    htmx = settings.htmx_url if settings.htmx_url.startswith("http") else ""
    return f"default-src 'self'; connect-src 'self' {htmx}".strip()


def static_files() -> list[str]:
    """Own static files the worker puts in the shell cache, plain and versioned."""
    return shell_urls()


def _worker_script(script: str, settings: Settings) -> Response:
    return Response(
        script,
        media_type="text/javascript",
        headers={
            "Cache-Control": "no-cache",
            "Service-Worker-Allowed": "/",
            "Content-Security-Policy": worker_csp(settings),
        },
    )


class PlatformController(Controller):
    """``/sw.js`` and its modules, ``/manifest.webmanifest``, ``/healthz``."""

    @get("/sw.js", include_in_schema=False)
    async def service_worker(self, settings: NamedDependency[Settings]) -> Response:
        """The worker's entry module, stamped with its version so each deploy installs anew."""
        version = worker_version(settings)
        script = f"// version {version}\n{worker_modules()[WORKER_ENTRY]}"
        return _worker_script(script, settings)

    @get("/sw/config.js", include_in_schema=False)
    async def worker_config(self, settings: NamedDependency[Settings]) -> Response:
        """The deploy's settings for the worker's modules (they import ``CONFIG``)."""
        config = {
            "version": worker_version(settings),
            "appVersion": __version__,
            "htmxUrl": settings.htmx_url,
            "htmxIntegrity": settings.htmx_integrity,
            "shell": static_files(),
            "messages": worker_messages(),
            "vapidPublicKey": (await vapid.keys()).public_key,
        }
        return _worker_script(f"export const CONFIG = {json.dumps(config)};\n", settings)

    @get("/sw/{name:str}", include_in_schema=False)
    async def worker_module(
        self, name: FromPath[str], settings: NamedDependency[Settings]
    ) -> Response:
        """One of the worker's own modules (not its entry, which is ``/sw.js``)."""
        source = worker_modules().get(name)
        if source is None or name == WORKER_ENTRY:
            raise NotFoundException()
        return _worker_script(source, settings)

    @get("/manifest.webmanifest", include_in_schema=False)
    async def manifest(self, request: Request, settings: NamedDependency[Settings]) -> Response:
        """The web app manifest (installable to the home screen)."""
        icons = [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {
                "src": "/static/icons/maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ]
        body = {
            "name": t(request, "Doorstep field work"),
            "short_name": t(request, "Doorstep"),
            "description": settings.org_name,
            "start_url": "/?source=pwa",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#b3001b",
            "lang": "zh-CN",
            "icons": icons,
        }
        return Response(body, media_type="application/manifest+json")

    @get("/healthz", include_in_schema=False)
    async def health(self) -> dict[str, str]:
        """For load balancers: the process answers."""
        return {"status": "ok", "version": __version__}


def icon_path(name: str) -> Path:
    """Where an icon lives (made by ``doorstep icons``, committed)."""
    return STATIC_DIR / "icons" / name

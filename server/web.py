"""What every page shares: the session middleware, the language, templates and headers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.response import Redirect, Response

from server import i18n, phones
from server.accounts import service as accounts
from server.pages.static_files import static_url
from server.settings import Settings
from server.sync.devices import REVOKED

SESSION_COOKIE = "doorstep_session"
PUBLIC_PATHS = [
    "^/login$",
    "^/static/",
    "^/vendor/",
    r"^/sw\.js$",
    "^/sw/",
    r"^/manifest\.webmanifest$",
    "^/healthz$",
    "^/schema(/|$)",
    r"^/favicon\.ico$",
]
"""Paths served without a session: whole paths (or whole folders), never a mere prefix."""
CSRF_EXEMPT = [
    r"^/api/sync/push$",
    r"^/api/sync/attachments/",
    r"^/api/push/subscriptions(/delete)?$",
]
"""The form-less writes: the phone's outbox, its files and its push subscription, which the
service worker also sends (they prove their origin instead)."""


class SessionRevoked(NotAuthorizedException):
    """The session's phone was revoked by a coordinator."""


class SessionAuthentication(AbstractAuthenticationMiddleware):
    """Finds the account behind the session cookie; no session, no page."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        token = connection.cookies.get(SESSION_COOKIE)
        found = await accounts.session_actor(token) if token else None
        if found is None:
            if token and await accounts.session_revoked(token):
                raise SessionRevoked("device revoked")
            raise NotAuthorizedException("no session")
        actor, session = found
        return AuthenticationResult(user=actor, auth=session)


def coordinators_only(connection: ASGIConnection, _: Any) -> None:
    """A guard for coordinators' pages: anyone but a coordinator or an admin gets 404."""
    user = connection.scope.get("user")
    if user is None or not user.is_coordinator:
        raise NotFoundException()


def language_of(connection: ASGIConnection) -> str:
    """The account's language, else the browser's, else the deployment default."""
    cached = connection.scope.get("state", {}).get("language")
    if cached:
        return cached
    settings: Settings = connection.app.state.settings
    user = connection.scope.get("user")
    if user is not None and user.language:
        language = i18n.normalise(user.language)
    else:
        language = i18n.from_accept_language(
            connection.headers.get("accept-language"), settings.default_language
        )
    connection.scope.setdefault("state", {})["language"] = language
    return language


def t(connection: ASGIConnection, message: str, **params: object) -> str:
    """``message`` translated for this request."""
    return i18n.gettext(language_of(connection), message, **params)


def unauthorised(request: Request, error: NotAuthorizedException) -> Response:
    """No session: JSON 401 for the API (the outbox waits), the login page for people.

    A session whose phone was revoked answers the sync API 410 ``device_revoked``,
    whatever device id it sends, so that phone wipes what it holds.
    """
    if request.url.path.startswith("/api/"):
        if isinstance(error, SessionRevoked):
            return Response(
                {"code": "device_revoked", "error": t(request, REVOKED)}, status_code=410
            )
        return Response(
            {"code": "no_session", "error": t(request, "Please log in again.")},
            status_code=401,
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/login?next={quote(target)}"
    if request.headers.get("hx-request"):
        return Response("", status_code=200, headers={"HX-Redirect": location})
    return Redirect(location, status_code=303)


def own_origin(connection: ASGIConnection) -> str:
    """The origin this request was sent to (scheme, host and port), as a browser writes it.

    The scheme is the proxy's ``X-Forwarded-Proto`` only from the proxies
    ``--forwarded-allow-ips`` trusts; the host is the ``Host`` header.
    """
    return str(connection.base_url).rstrip("/")


def public_origin(connection: ASGIConnection) -> str:
    """The origin to print in links for phones: the first configured one, else this request's."""
    settings: Settings = connection.app.state.settings
    return settings.public_origins[0] if settings.public_origins else own_origin(connection)


def keep_cookie(response: Response, name: str, value: str, days: int, settings: Settings) -> None:
    """Set a cookie scripts cannot read, sent only to this site (and only over HTTPS
    when the deployment says so), kept for ``days``."""
    response.set_cookie(
        name,
        value,
        max_age=days * 86400,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )


def safe_next(target: str | None) -> str:
    """A same-site path to go to after login (never another origin)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def content_security_policy(settings: Settings) -> str:
    """Scripts from this origin and exactly the configured htmx file; nothing inline."""
    htmx = settings.htmx_url if settings.htmx_url.startswith("http") else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {htmx}".strip(),
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


def template_globals(settings: Settings) -> dict[str, Any]:
    """Helpers every template may call."""
    zone = ZoneInfo(settings.time_zone)

    @pass_context
    def translate(ctx: Any, message: str, **params: object) -> str:
        return t(ctx["request"], message, **params)

    @pass_context
    def current_language(ctx: Any) -> str:
        return language_of(ctx["request"])

    @pass_context
    def current_user(ctx: Any) -> Any:
        return ctx["request"].scope.get("user")

    def local(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if value is None:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(zone).strftime(fmt)

    def new_entry_id() -> str:
        # A form that makes an entry carries its id and time from when it was rendered:
        # posting it twice stores it once.
        return str(uuid.uuid4())

    def form_time() -> str:
        return dt.datetime.now(zone).replace(microsecond=0).isoformat()

    return {
        "_": translate,
        "new_entry_id": new_entry_id,
        "form_time": form_time,
        "lang": current_language,
        "user": current_user,
        "local": local,
        "settings": settings,
        "static": static_url,
        "phone_pattern": phones.HTML_PATTERN,
        "phone_message": phones.MESSAGE,
    }

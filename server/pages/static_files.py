"""Static files under ``/static/``: URLs versioned by content, cached for a year.

A page names ``/static/app.css?v=<hash of the file>``; that URL can be kept
forever (``immutable``), since a changed file gets a new URL. A static URL without
its current version (a module that another imports by its plain name, an icon in
the manifest) is revalidated on each use instead, so a deploy never mixes files.
"""

from __future__ import annotations

import hashlib
from functools import cache
from urllib.parse import parse_qs

from litestar.types import Message, Scope

from server.settings import ROOT

STATIC_DIR = ROOT / "web" / "static"
PREFIX = "/static/"
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"


@cache
def versions() -> dict[str, str]:
    """Each static file's path under ``/static/`` and the first 12 hex digits of its SHA-256."""
    return {
        path.relative_to(STATIC_DIR).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in sorted(STATIC_DIR.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def static_url(name: str) -> str:
    """The versioned URL of the static file ``name`` (e.g. ``app.css``), for templates."""
    return f"{PREFIX}{name}?v={versions()[name]}"


def shell_urls() -> list[str]:
    """Every static file under its plain URL (module imports) and its versioned one (pages)."""
    names = versions()
    return sorted([PREFIX + n for n in names] + [static_url(n) for n in names])


def _cache_control(scope: Scope) -> bytes:
    name = scope["path"][len(PREFIX) :]
    sent = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
    return IMMUTABLE if sent and sent == versions().get(name) else REVALIDATE


async def cache_headers(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: a year for a versioned static file, revalidation otherwise."""
    if message["type"] != "http.response.start" or not scope["path"].startswith(PREFIX):
        return
    if message["status"] != 200:
        return
    headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
    message["headers"] = [*headers, (b"cache-control", _cache_control(scope))]

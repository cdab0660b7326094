"""What every response gets, whatever answered it: the security headers, and HEAD.

Litestar's ``response_headers`` reach route handlers only: a 404 for an unknown
path, a 405, an error page or a static file went without them. A ``before_send``
hook sees every response the app sends. HEAD is answered wherever GET is (RFC 9110
§9.3.2): Litestar routes a GET handler for GET only.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.types import Message, Receive, Scope, Send


def security_headers(policy: str) -> list[tuple[bytes, bytes]]:
    """The headers every response carries (a response that sets its own policy keeps it)."""
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


def add_headers(headers: list[tuple[bytes, bytes]]):
    """A ``before_send`` hook adding ``headers`` to each response that lacks them."""

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        present = {name.lower() for name, _ in message.get("headers", [])}
        missing = [(name, value) for name, value in headers if name not in present]
        if missing:
            message["headers"] = [*message.get("headers", []), *missing]

    return hook


class App(Litestar):
    """Litestar, answering HEAD with the GET handler's headers and no body."""

    async def __call__(self, scope: Any, receive: Receive, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await super().__call__(scope, receive, send)
            return
        await super().__call__({**scope, "method": "GET"}, receive, _without_body(send))


def _without_body(send: Send) -> Send:
    async def send_head(message: Message) -> None:
        if message["type"] != "http.response.body":
            await send(message)
        elif not message.get("more_body", False):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return send_head

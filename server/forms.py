"""Small helpers the 管理 pages share: reading forms, refusals, redirects after a change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.response import Redirect

from server.i18n import gettext
from server.web import language_of


async def form_of(request: Request) -> dict[str, str]:
    """The posted form as plain strings (a repeated field keeps its last value)."""
    form = await request.form()
    return {key: str(value) for key, value in form.items()}


def int_or_none(value: str | None) -> int | None:
    """A form field as an id, None when empty or not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def refusal(request: Request, code: str, *catalogues: Mapping[str, str], **params: Any) -> str:
    """The message of a refusal ``code``, from the first catalogue that has it."""
    for messages in catalogues:
        if code in messages:
            return gettext(language_of(request), messages[code], **params)
    return code


def done(location: str) -> Redirect:
    """Post/redirect/get: back to a page that says the change was saved."""
    separator = "&" if "?" in location else "?"
    return Redirect(f"{location}{separator}saved=1", status_code=303)

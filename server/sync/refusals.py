"""How push and pull refuse a whole request: a status, a stable code and a message."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Response
from msgspec import Struct

from server.i18n import N_
from server.sync.devices import REVOKED
from server.web import t

MESSAGES = {
    "cross_site": N_("Requests from other sites are refused."),
    "json_only": N_("Send JSON (application/json)."),
    "bad_request": N_("The request is malformed."),
    "too_deep": N_("The request is nested too deeply."),
    "too_large": N_("The batch is too large."),
    "too_many": N_("The batch has too many entries."),
    "account_mismatch": N_("These entries belong to another account."),
    "device_revoked": REVOKED,
    "bad_cursor": N_("The sync position is not valid; sync again from the start."),
    "entry_unknown": N_("No entry of yours has this id yet; send the entry first."),
    "attachment_unknown": N_("This entry has no such file."),
    "attachment_too_large": N_("The file is larger than its entry says."),
    "attachment_type": N_("This is not the kind of file the entry takes."),
    "attachment_mismatch": N_("The file is not the one its entry lists (size or SHA-256)."),
}
"""Every code a sync request as a whole can be refused with, and its message (a msgid)."""


class Refusal(Struct):
    """Why a sync request was refused: a stable code and a message for a person."""

    code: str
    error: str


def refuse(request: Request, status: int, code: str, **extra: Any) -> Response:
    """A JSON refusal: the stable ``code``, its message in the request's language, and
    ``extra`` fields (a 413's ``limits``)."""
    body = {"code": code, "error": t(request, MESSAGES[code]), **extra}
    return Response(body, status_code=status)

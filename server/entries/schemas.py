"""The push body and the entry envelope (public contract); each kind's ``data`` is declared
by its module in ``server/entries/kinds/``."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

from server.wire import NO_NUL

INT32 = 2**31 - 1
"""The largest value of an integer column on PostgreSQL."""


class Attachment(Struct, forbid_unknown_fields=True):
    """A file (photo, signature) uploaded after its entry is accepted."""

    name: Annotated[str, Meta(min_length=1, max_length=100, pattern=r"^[\w.\-]+$")]
    sha256: Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
    bytes: Annotated[int, Meta(ge=1, le=10 * 1024 * 1024)]


class EntryIn(Struct, forbid_unknown_fields=True):
    """One entry as a phone (or a form) sends it."""

    id: Annotated[str, Meta(min_length=36, max_length=36)]
    """A UUID made on the phone at save time."""
    kind: Annotated[str, Meta(max_length=32)]
    schema: int
    recorded_at: Annotated[str, Meta(max_length=40)]
    """Device time, RFC 3339 with offset."""
    data: dict
    attachments: list[Attachment] = msgspec.field(default_factory=list)


class SyncPush(Struct, forbid_unknown_fields=True):
    """The body of ``POST /api/sync/push``."""

    device_id: Annotated[str, Meta(min_length=1, max_length=64, pattern=NO_NUL)]
    entries: list[msgspec.Raw]
    """Each entry is decoded on its own: a malformed one (``null``, a string, a number
    out of range) is rejected alone, with its batch stored around it."""
    app_version: Annotated[str, Meta(max_length=32, pattern=NO_NUL)] = ""
    pending_count: Annotated[int, Meta(ge=0, le=INT32)] = 0
    oldest_pending_at: Annotated[str, Meta(max_length=40, pattern=NO_NUL)] | None = None
    account_id: int | None = None
    """The account the phone holds these entries for; when given and not the session's
    account (another person logged in on a shared phone), nothing is stored (409)."""
    device_time: Annotated[str, Meta(max_length=40)] | None = None
    """The phone's clock when it sent the batch (RFC 3339): the server keeps how far off
    it is (DESIGN §2.2)."""


class EntryResult(Struct):
    """What became of one entry."""

    id: str
    status: Literal["accepted", "duplicate", "conflict", "retry", "rejected"]
    code: str = ""
    error: str = ""


class SyncPushResult(Struct):
    """The answer to ``POST /api/sync/push``: one result per entry, in order."""

    results: list[EntryResult]
    server_time: str
    epoch: str

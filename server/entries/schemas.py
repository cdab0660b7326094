"""The entry envelope and each kind's data, versioned by ``schema`` (public contract)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct

Note = Annotated[str, Meta(max_length=500)]
Level = Literal["none", "some", "urgent"]


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


class Need(Struct, forbid_unknown_fields=True):
    """One need area: 无需求 ``none``, 有需求 ``some`` or 急需 ``urgent``, with a note."""

    level: Level = "none"
    note: Note = ""


class Needs(Struct, forbid_unknown_fields=True):
    """身体健康, 就业培训, 产业发展, 务工就学."""

    health: Need = msgspec.field(default_factory=Need)
    training: Need = msgspec.field(default_factory=Need)
    livelihood: Need = msgspec.field(default_factory=Need)
    work_school: Need = msgspec.field(default_factory=Need)


class Location(Struct, forbid_unknown_fields=True):
    """Where the phone was, given only with the volunteer's consent."""

    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    accuracy: Annotated[float, Meta(ge=0, le=100_000)] | None = None


class VisitV1(Struct, forbid_unknown_fields=True):
    """``visit`` schema 1: a household visit."""

    household_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    needs: Needs = msgspec.field(default_factory=Needs)
    visited_at: Annotated[str, Meta(max_length=40)] | None = None
    """Defaults to the entry's ``recorded_at``."""
    companions: Annotated[list[Annotated[str, Meta(max_length=20)]], Meta(max_length=10)] = (
        msgspec.field(default_factory=list)
    )
    follow_up: bool = False
    follow_up_note: Note = ""
    location: Location | None = None


class SyncPush(Struct, forbid_unknown_fields=True):
    """The body of ``POST /api/sync/push``."""

    device_id: Annotated[str, Meta(min_length=1, max_length=64)]
    entries: list[dict]
    app_version: Annotated[str, Meta(max_length=32)] = ""
    pending_count: Annotated[int, Meta(ge=0)] = 0
    oldest_pending_at: Annotated[str, Meta(max_length=40)] | None = None
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

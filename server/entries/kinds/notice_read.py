"""``notice_read`` (schema 1): the volunteer opened a notice in their inbox.

Read on the phone, perhaps offline; the entry goes up with the next sync like any
other, and the first reading is what the sender's count shows. The time of reading is
the entry's ``recorded_at``. Reading the same notice again, or on a second phone, is
stored and changes nothing.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated

import msgspec
from msgspec import Meta, Struct
from piccolo.columns import ForeignKey, Timestamptz
from piccolo.table import Table

from server.accounts.tables import Account
from server.entries.kinds.base import Kind
from server.entries.prepared import Prepared, Problem, decode_problem, id_of
from server.entries.tables import Entry
from server.i18n import N_
from server.notices import service as notices
from server.notices.tables import Notice

if TYPE_CHECKING:
    from server.actor import Actor
    from server.entries.schemas import EntryResult

MESSAGES = {"unknown_notice": N_("This notice was not sent to you.")}
"""The codes this kind adds to the ingest path's."""


class NoticeRead(Table):
    """One ``notice_read`` entry: who read which notice, and when (the phone's time)."""

    entry = ForeignKey(references=Entry, unique=True)
    notice = ForeignKey(references=Notice, index=True)
    account = ForeignKey(references=Account, index=True)
    read_at = Timestamptz()


class NoticeReadV1(Struct, forbid_unknown_fields=True):
    """``notice_read`` schema 1."""

    notice_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    """The ``id`` of the ``notice`` the phone pulled."""


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """A notice of the reader's own inbox, else ``unknown_notice``."""
    assert prepared.entry is not None and prepared.recorded_at is not None
    try:
        read = msgspec.convert(prepared.entry.data, NoticeReadV1)
    except msgspec.ValidationError as error:
        return decode_problem(error)
    notice_id = id_of(read.notice_id)
    if notice_id is None or not await notices.is_recipient(actor.id, notice_id):
        return Problem("unknown_notice", "notice_id")
    prepared.rows = [
        (
            NoticeRead,
            {
                "entry": prepared.entry_id,
                "notice": notice_id,
                "account": actor.id,
                "read_at": prepared.recorded_at,
            },
        )
    ]
    prepared.apply = functools.partial(_apply, actor.id, notice_id, prepared)
    return None


async def _apply(
    account_id: int, notice_id: int, prepared: Prepared, device_id: str, language: str
) -> EntryResult | None:
    assert prepared.recorded_at is not None
    await notices.mark_read(account_id, notice_id, prepared.recorded_at)
    return None


SAMPLE = {
    "id": "5c1e8f2a-9d3b-4e7c-a1f6-0b2d4c6e8a91",
    "kind": "notice_read",
    "schema": 1,
    "recorded_at": "2026-11-21T08:15:02.441+08:00",
    "data": {"notice_id": "7"},
    "attachments": [],
}

KIND = Kind("notice_read", 1, NoticeReadV1, prepare, MESSAGES, SAMPLE)

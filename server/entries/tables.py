"""Entries as received from phones and forms (each kind's own rows live with its module)."""

from piccolo.columns import (
    UUID,
    Boolean,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Entry(Table):
    """One stored entry. The primary key is the id the phone made at save time,
    so a retried entry can never be stored twice."""

    id = UUID(primary_key=True)
    account = ForeignKey(references=Account, index=True)
    device_id = Varchar(length=64, default="")
    kind = Varchar(length=32)
    schema = Integer()
    recorded_at = Varchar(length=40)
    """The device time exactly as sent (RFC 3339 with offset)."""
    received_at = Timestamptz(default=TimestamptzNow())
    content_hash = Varchar(length=64)
    """SHA-256 of the canonical (kind, schema, recorded_at, data)."""
    body = Text()
    """The entry's JSON as received."""
    status = Varchar(length=16, default="accepted", index=True)
    """``accepted`` or ``conflict``."""
    flag = Varchar(length=64, default="", index=True)
    """Why a coordinator should look at it (e.g. ``pairing_ended``); empty if none."""
    supersedes = UUID(null=True, default=None, index=True)
    """A ``correction``: the entry it replaces or voids (set even while that entry has not
    arrived yet, so the correction is applied when it does)."""
    superseded_by = UUID(null=True, default=None, index=True)
    """The correction that replaced or voided this entry; only entries without one count
    (``server/entries/chains.py``)."""
    voided = Boolean(default=False)
    """This entry's values were voided by ``superseded_by``: shown struck through, counted
    nowhere."""


class EntryReceipt(Table):
    """Every entry body the server received, whatever became of it."""

    entry_id = Varchar(length=64, index=True)
    account = ForeignKey(references=Account, null=True)
    device_id = Varchar(length=64, default="")
    received_at = Timestamptz(default=TimestamptzNow())
    status = Varchar(length=16)
    code = Varchar(length=32, default="")
    body = Text()

"""Entries as received from phones and forms, and the events they carry."""

from piccolo.columns import (
    UUID,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.households.tables import Household


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
    status = Varchar(length=16, default="accepted")
    """``accepted`` or ``conflict``."""
    flag = Varchar(length=64, default="")
    """Why a coordinator should look at it (e.g. ``pairing_ended``); empty if none."""


class EntryReceipt(Table):
    """Every entry body the server received, whatever became of it."""

    entry_id = Varchar(length=64, index=True)
    account = ForeignKey(references=Account, null=True)
    device_id = Varchar(length=64, default="")
    received_at = Timestamptz(default=TimestamptzNow())
    status = Varchar(length=16)
    code = Varchar(length=32, default="")
    body = Text()


class Visit(Table):
    """A household visit (户次); companions make it one visit, not several."""

    entry = ForeignKey(references=Entry, unique=True)
    household = ForeignKey(references=Household, index=True)
    volunteer = ForeignKey(references=Account, index=True)
    visited_at = Timestamptz(index=True)
    companions = Text(default="[]")
    """JSON list of account ids who came along."""
    health_level = Varchar(length=8, default="none")
    health_note = Text(default="")
    training_level = Varchar(length=8, default="none")
    training_note = Text(default="")
    livelihood_level = Varchar(length=8, default="none")
    livelihood_note = Text(default="")
    work_school_level = Varchar(length=8, default="none")
    work_school_note = Text(default="")
    follow_up = Boolean(default=False)
    follow_up_note = Text(default="")
    lat = Float(null=True, default=None)
    lon = Float(null=True, default=None)
    accuracy = Float(null=True, default=None)
    voided = Boolean(default=False)
    """Set when a later correction voids this visit."""

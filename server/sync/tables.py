"""The phones that sync, the change log that ``GET /api/sync/pull`` reads, and its counter."""

from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class SyncCounter(Table):
    """One row per counter; ``changes`` numbers the change log (see ``changelog.reserve``)."""

    name = Varchar(length=32, unique=True)
    value = BigInt(default=0)


class SyncChange(Table):
    """The latest state of one object as one volunteer's phone should have it.

    One row per (volunteer, kind, object_id), replaced (with a new ``seq``) at
    every change, so a volunteer's rows are exactly their phone's data set plus
    tombstones. Indexes (a migration adds them): unique (volunteer, kind,
    object_id), (volunteer, seq) for pulls, (volunteer, household) for unpairing.
    """

    seq = BigInt()
    """From the ``changes`` counter, taken inside the writing transaction."""
    volunteer = ForeignKey(references=Account)
    kind = Varchar(length=16)
    """``household``, ``visit`` or ``entry``."""
    object_id = Varchar(length=64)
    household = Integer(null=True, default=None)
    """The household the object belongs to (unpairing removes its visits)."""
    version = Integer(default=1)
    deleted = Boolean(default=False)
    data = Text(default="{}")
    """JSON, sent to the phone as it is."""


class Device(Table):
    """A phone (or browser) that syncs, with what it last told the server."""

    device_id = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account, index=True)
    app_version = Varchar(length=32, default="")
    last_seen_at = Timestamptz(default=TimestamptzNow())
    pending_count = Integer(default=0)
    oldest_pending_at = Varchar(length=40, default="")
    clock_offset_ms = Integer(default=0)
    """Server time minus device time at the last sync."""
    revoked = Boolean(default=False)

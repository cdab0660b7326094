"""The audit log: who changed what, when, with the values before and after."""

from piccolo.columns import JSON, ForeignKey, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class AuditLog(Table):
    """One row per change, written in the same transaction as the change."""

    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=Account, null=True)
    """The account that made the change; null for the system (imports, CLI)."""
    action = Varchar(length=64)
    """What happened, e.g. ``entry.accepted`` or ``household.create``."""
    table_name = Varchar(length=64)
    row_id = Varchar(length=64, index=True)
    before = JSON(null=True)
    after = JSON(null=True)

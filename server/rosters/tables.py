"""Roster uploads (kept until imported) and the last imported row of each household."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.households.tables import Household


class RosterUpload(Table):
    """An uploaded roster file: previewed first, then imported in chunks.

    The file and its checked rows stay under ``DATA_DIR/roster/``, so the import
    works from exactly what was previewed and any app process can continue it.
    """

    actor = ForeignKey(references=Account, null=True)
    """Who uploaded it; only they (and admins) see it."""
    filename = Varchar(length=200)
    sha256 = Varchar(length=64)
    status = Varchar(length=16, default="previewed")
    """``previewed``, ``importing`` or ``done``."""
    total_rows = Integer(default=0)
    """Rows without problems: the ones the import goes through."""
    problem_rows = Integer(default=0)
    next_row = Integer(default=0)
    """How many of the good rows are done (the progress)."""
    created = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    flagged = Integer(default=0)
    """Updated rows that raced a field correction (the household is flagged)."""
    skipped = Integer(default=0)
    """Rows that became invalid between preview and import."""
    created_at = Timestamptz(default=TimestamptzNow())
    finished_at = Timestamptz(null=True, default=None)


class RosterRecord(Table):
    """The roster row last imported for a household: the base of the next import.

    The next import sends only what changed in the roster since this row, with
    ``version`` as its base, so a correction made in the field meanwhile is
    flagged instead of overwritten.
    """

    household = ForeignKey(references=Household, unique=True)
    row_hash = Varchar(length=64)
    """SHA-256 of the row as read (without member ids): equal means unchanged."""
    data = Text(default="{}")
    """JSON: the row as read, members with the ids they were given."""
    version = Integer()
    """The household's version once this row was imported."""
    upload = ForeignKey(references=RosterUpload, null=True)
    imported_at = Timestamptz(default=TimestamptzNow())

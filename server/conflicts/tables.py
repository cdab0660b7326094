"""Flags on households whose changes raced each other, kept until a coordinator resolves them."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.households.tables import Household


class HouseholdFlag(Table):
    """A change that raced another one; the household stays flagged until resolved.

    ``values`` keeps both competing values of every field involved, so nothing
    is lost whichever one was applied.
    """

    household = ForeignKey(references=Household, index=True)
    severity = Varchar(length=8)
    """``hard`` when the same field was changed by both, ``soft`` when different fields were."""
    actor = ForeignKey(references=Account, null=True)
    """Who made the change that raced (the later one)."""
    device_id = Varchar(length=64, default="")
    source = Varchar(length=16)
    entry_id = Varchar(length=36, default="")
    base_version = Integer()
    """The version the later change was based on."""
    version = Integer()
    """The household's version once the later change was applied."""
    others = Text(default="[]")
    """JSON: the versions made meanwhile by others (version, actor, name, device, source)."""
    values = Text(default="{}")
    """JSON: ``{field: {base, theirs, mine, theirs_changed, mine_changed, hard}}``."""
    created_at = Timestamptz(default=TimestamptzNow())
    resolved_at = Timestamptz(null=True, default=None)
    resolved_by = ForeignKey(references=Account, null=True)
    resolution = Text(default="")
    """JSON: the value chosen for each field."""

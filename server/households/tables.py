"""Households, their members, and the versions their changes made."""

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
from server.areas.tables import Area


class Household(Table):
    """A household on the roster, living in a village."""

    code = Varchar(length=32, unique=True)
    """The roster's household code (户编号)."""
    head_name = Varchar(length=64)
    village = ForeignKey(references=Area, index=True)
    address = Varchar(length=200, default="")
    phone = Varchar(length=32, default="")
    poverty_status = Varchar(length=32, default="")
    """As written on the roster, e.g. 脱贫户, 监测户."""
    notes = Text(default="")
    version = Integer(default=1)
    """Raised by every change; field edits carry the version they saw."""
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Member(Table):
    """A person in a household; the id is stable, so medicine can go to a member."""

    id = UUID(primary_key=True)
    household = ForeignKey(references=Household, index=True)
    name = Varchar(length=64)
    relation = Varchar(length=32, default="")
    """Relation to the head of household (户主, 配偶, 子女...)."""
    birth_year = Integer(null=True, default=None)
    removed = Boolean(default=False)


class HouseholdVersion(Table):
    """Who made each version of a household, from which device, and what it changed.

    Conflict detection reads the versions made since a patch's ``base_version``:
    those from the patch's own branch (same account on the same device) are its
    own earlier edits, everything else is "another device or a coordinator".
    """

    household = ForeignKey(references=Household, index=True)
    version = Integer()
    """The version this change produced."""
    actor = ForeignKey(references=Account, null=True)
    """Who made it; null for the system."""
    device_id = Varchar(length=64, default="")
    """The phone that sent it; empty for server-side edits (forms, imports)."""
    source = Varchar(length=16)
    """``field`` (a phone's patch), ``coordinator``, ``import`` or ``resolution``."""
    entry_id = Varchar(length=36, default="")
    """The ``household_patch`` entry behind it, if any."""
    before = Text(default="{}")
    """JSON: the changed fields' values before (field keys as in ``fields.py``)."""
    after = Text(default="{}")
    """JSON: the changed fields' values after."""
    created_at = Timestamptz(default=TimestamptzNow())

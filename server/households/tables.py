"""Households, their members, and the pairings of volunteers with households."""

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


class Pairing(Table):
    """A volunteer paired with a household (结对) from ``started_at`` until ``ended_at``."""

    volunteer = ForeignKey(references=Account, index=True)
    household = ForeignKey(references=Household, index=True)
    started_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)

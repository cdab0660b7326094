"""Activities (活动) and who signed up for them."""

from piccolo.columns import (
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.areas.tables import Area, Team
from server.entries.tables import Entry

KINDS = (
    "volunteer_service",
    "first_aid_training",
    "blood_donation",
    "medicine_delivery",
    "boai_home",
    "party_day",
    "other",
)
"""Stable codes of 志愿服务, 应急救护培训, 无偿献血志愿服务, 送医送药, 博爱送万家, 主题党日, 其他
(labels: ``server.activities.schemas.KIND_LABELS``)."""
STATUSES = ("planned", "cancelled", "not_held")
"""``planned`` (it goes ahead), ``cancelled`` beforehand, ``not_held``: it did not happen."""


class Activity(Table):
    """An activity for one team, or for every team of an area (and the areas under it)."""

    kind = Varchar(length=32)
    """One of ``KINDS``."""
    title = Varchar(length=100)
    place = Varchar(length=200, default="")
    content = Text(default="")
    """The service content (服务内容), kept with every service-hours record."""
    organiser = Varchar(length=100, default="")
    """The organising unit (组织单位)."""
    person_in_charge = Varchar(length=100, default="")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    area = ForeignKey(references=Area, index=True)
    """The area it is for; a team's activity names its team's area, so one area path
    decides which coordinators look after it (``server.scope``)."""
    team = ForeignKey(references=Team, null=True, default=None, index=True)
    """Set: only this team's members; empty: every team working in ``area`` or under it."""
    signup = Boolean(default=False)
    """Volunteers sign up for it (报名)."""
    capacity = Integer(null=True, default=None)
    """Places with sign-up; empty is no limit. Beyond it volunteers wait (候补)."""
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    radius_m = Integer(null=True, default=None)
    """Set with a point: check-ins farther than this from it are flagged."""
    counts_as_service = Boolean(default=True)
    """False for a meeting or a training taken as a trainee: no service time."""
    external_number = Varchar(length=64, default="")
    """The project number in the national volunteer system."""
    status = Varchar(length=16, default="planned")
    """One of ``STATUSES``."""
    version = Integer(default=1)
    """Raised by every change; a change form sends the version it showed."""
    created_by = ForeignKey(references=Account, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ActivitySignup(Table):
    """One ``activity_signup`` entry: a volunteer signing up for an activity or withdrawing,
    with what the server made of it when it arrived."""

    entry = ForeignKey(references=Entry, unique=True)
    activity = ForeignKey(references=Activity, index=True)
    volunteer = ForeignKey(references=Account)
    action = Varchar(length=16)
    """``signup`` or ``withdraw``."""
    outcome = Varchar(length=16)
    """``place``, ``waiting`` (then ``position`` in the queue), ``withdrawn``, or
    ``unchanged`` (already in that state: a second sign-up changes nothing)."""
    position = Integer(null=True, default=None)
    """On the waiting list: the place in the queue when the entry arrived (候补第 N 位)."""


class ActivitySeat(Table):
    """Where a volunteer stands now for an activity: one row per (activity, volunteer)
    (a unique index, see the migration)."""

    activity = ForeignKey(references=Activity)
    volunteer = ForeignKey(references=Account, index=True)
    state = Varchar(length=16)
    """``place``, ``waiting`` or ``withdrawn``."""
    queued = Integer(default=0)
    """Arrival order: the ``ActivitySignup`` id of the sign-up that put them here; the
    waiting list is served in this order."""
    changed_at = Timestamptz(default=TimestamptzNow())

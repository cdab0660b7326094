"""The one scope rule: may this actor see or change this? (DESIGN §2, "One scope rule").

Every service asks here; no other module builds an area filter. In DESIGN's words:

- **An admin** sees and changes everything.
- **A coordinator** looks after their areas and everything under them: an area's path
  (``/county/township/village/``) starts with the path of every area above it, so "under"
  is a prefix. Inside those areas are the households of their villages with their members,
  entries, visits and flags, and the teams that work there.
- **The accounts a coordinator looks after** are the volunteers and team leaders of the
  teams in their areas. An account belongs to the area of its team, not to the places it
  is paired with: a volunteer of another area's team who is also paired with households
  here is that area's account (their pairings with households here show on those
  households). Coordinators and admins are looked after by admins only. The devices of an
  account and the imports of its phone's export follow the account; an import stores only
  the entries about households inside the importing coordinator's areas.
- **A volunteer** (or team leader) sees the households paired with them now and records
  for them; an entry recorded up to ``PAIRING_GRACE`` after its pairing ended is still
  accepted (and flagged for a coordinator).
- **Activities** belong to an area (a team's activity to its team's area): a coordinator
  looks after those of their areas; a team leader those of their own team. A volunteer
  (or leader) sees the activities meant for them: their team's, and those for their
  team's area or any area above it.
- **An action that hands an account over** (password reset, join QR, and so the PIN set
  at joining) acts on everything that account can see, so it needs a coordinator who looks
  after the account and whose areas cover every household it can see or record for,
  otherwise an admin.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from piccolo.columns.combination import WhereRaw

from server.accounts.tables import Account, CoordinatorArea
from server.activities.tables import Activity
from server.actor import Actor, now
from server.areas.tables import Area, Team
from server.audit.tables import AuditLog
from server.conflicts.tables import HouseholdFlag
from server.db import fetch
from server.followups.tables import FollowUp
from server.households.tables import Household
from server.pairings.tables import Pairing
from server.sync.tables import Device

PAIRING_GRACE = dt.timedelta(days=7)
"""An entry recorded up to this long after its pairing ended is still accepted (flagged)."""
LOOKED_AFTER_ROLES = ("volunteer", "leader")
"""The roles of the accounts a coordinator looks after (the rest are an admin's)."""


# --- areas ------------------------------------------------------------------------


def covers(actor: Actor, path: str | None) -> bool:
    """True when the area at ``path`` lies within ``actor``'s areas."""
    if actor.is_admin:
        return True
    if actor.role != "coordinator" or not path:
        return False
    return any(path.startswith(own) for own in actor.area_paths)


def is_own_area(actor: Actor, path: str) -> bool:
    """True when ``path`` is one of the areas given to the coordinator (not one under them)."""
    return path in actor.area_paths


def under(column: Any, path: str) -> Any:
    """A where-clause: the area path ``column`` is ``path`` or lies under it."""
    return column.like(f"{path}%")


def _within(column: Any, actor: Actor) -> Any | None:
    """A where-clause: the area path ``column`` lies in ``actor``'s areas; None for all."""
    if actor.is_admin:
        return None
    if actor.role != "coordinator" or not actor.area_paths:
        return column.is_null() & column.is_not_null()
    return functools.reduce(operator.or_, [under(column, p) for p in actor.area_paths])


def _narrow(select: Any, clause: Any | None) -> Any:
    return select if clause is None else select.where(clause)


async def _place_path(actor: Actor, area_id: int) -> str | None:
    """The path of area ``area_id`` when it lies within ``actor``'s areas, else None."""
    if not 0 < area_id < 2**31:
        return None
    row = await Area.select(Area.path).where(Area.id == area_id).first()
    return row["path"] if row is not None and covers(actor, row["path"]) else None


async def place(actor: Actor, column: Any, area_id: int | None) -> Any | None:
    """A where-clause: the area path ``column`` lies under area ``area_id`` (a filter a
    page offers); nothing matches when that area is not within ``actor``'s areas. None
    without an area."""
    if area_id is None:
        return None
    path = await _place_path(actor, area_id)
    return column.is_null() & column.is_not_null() if path is None else under(column, path)


async def places(actor: Actor) -> list[dict[str, Any]]:
    """The areas a page may filter on: ``actor``'s areas and everything under them, by path."""
    select = Area.select(Area.id, Area.name, Area.level, Area.path).where(
        Area.retired == False  # noqa: E712
    )
    return await _narrow(select, _within(Area.path, actor)).order_by(Area.path)


def area_sql(actor: Actor, column: str) -> tuple[str, list[str]]:
    """For raw SQL: a condition that the area path in ``column`` (an SQL expression) lies
    in ``actor``'s areas, with its ``{}`` arguments (counts grouped in the database)."""
    if actor.is_admin:
        return "1 = 1", []
    if actor.role != "coordinator" or not actor.area_paths:
        return "1 = 0", []
    marks = " OR ".join(f"{column} LIKE {{}}" for _ in actor.area_paths)
    return f"({marks})", [f"{p}%" for p in actor.area_paths]


async def place_sql(actor: Actor, column: str, area_id: int | None) -> tuple[str, list[str]]:
    """For raw SQL: ``place``'s condition (under area ``area_id``, which must lie in
    ``actor``'s areas), with its arguments."""
    if area_id is None:
        return "1 = 1", []
    path = await _place_path(actor, area_id)
    return ("1 = 0", []) if path is None else (f"{column} LIKE {{}}", [f"{path}%"])


async def report_areas(actor: Actor, area_id: int | None) -> tuple[dict[str, Any] | None, list]:
    """The area a report is for and the areas of its rows: area ``area_id`` (which must lie
    in ``actor``'s areas) and the areas one level below it; without one, a coordinator's
    one area and those below it, or their areas, or (an admin) the top-level areas. The
    chosen area is None when ``area_id`` is outside ``actor``'s areas, or none was given
    and several areas make the rows."""
    columns = (Area.id, Area.name, Area.level, Area.path)
    live = Area.retired == False  # noqa: E712
    if area_id is None and actor.is_admin:
        return None, await Area.select(*columns).where(live & Area.parent.is_null()).order_by(
            Area.path
        )
    if area_id is None:
        own = await Area.select(*columns).where(Area.path.is_in(list(actor.area_paths) or ["-"]))
        if len(own) != 1:
            return None, sorted(own, key=lambda r: r["path"])
        area_id = own[0]["id"]
    path = await _place_path(actor, area_id)
    if path is None:
        return None, []
    chosen = await Area.select(*columns).where(Area.id == area_id).first()
    below = await Area.select(*columns).where(live & (Area.parent == area_id)).order_by(Area.path)
    return chosen, below


async def report_teams(actor: Actor, place: int | None) -> list[dict[str, Any]]:
    """The teams a report per team has rows for: the teams of ``actor``'s areas whose area
    lies under area ``place`` or above it (a county's team works in its townships)."""
    select = _narrow(Team.select(Team.id, Team.name, Team.area.path), teams(actor))
    found = await select.order_by(Team.name)
    if place is None:
        return found
    path = await _place_path(actor, place)
    if path is None:
        return []
    above = set(_ancestors(path))
    return [
        t
        for t in found
        if t["area.path"] and (t["area.path"].startswith(path) or t["area.path"] in above)
    ]


def grouped_sql(column: str, areas: list[tuple[int, str]], rest: int) -> tuple[str, list[str]]:
    """For raw SQL: the id of the one of ``areas`` (id, path) whose subtree holds the area
    path in ``column``, else ``rest`` (a count's rows per area, grouped in the database;
    the rows' own scope is ``area_sql``'s and ``place_sql``'s)."""
    if not areas:
        return str(int(rest)), []
    cases = " ".join(f"WHEN {column} LIKE {{}} THEN {int(i)}" for i, _ in areas)
    return f"CASE {cases} ELSE {int(rest)} END", [f"{path}%" for _, path in areas]


# --- households -------------------------------------------------------------------


async def paired_household_ids(volunteer_id: int) -> list[int]:
    """Households paired with the volunteer now."""
    rows = await Pairing.select(Pairing.household).where(
        (Pairing.volunteer == volunteer_id) & Pairing.ended_at.is_null()
    )
    return sorted({r["household"] for r in rows})


async def households(actor: Actor) -> Any | None:
    """A where-clause on Household limiting rows to what ``actor`` may see; None for all.

    Coordinators: the households of their areas. Volunteers: those paired with them now.
    """
    if actor.is_coordinator:
        return _within(Household.village.path, actor)
    return Household.id.is_in(await paired_household_ids(actor.id) or [-1])


async def sees_household(actor: Actor, household_id: int) -> bool:
    """True when ``actor`` may see household ``household_id``."""
    select = Household.select(Household.id).where(Household.id == household_id)
    return await _narrow(select, await households(actor)).first() is not None


async def households_within_areas(actor: Actor, household_ids: set[int]) -> set[int]:
    """Those of ``household_ids`` in a coordinator's areas (all of them for an admin)."""
    ids = sorted(i for i in household_ids if 0 < i < 2**31) or [-1]
    select = Household.select(Household.id).where(Household.id.is_in(ids))
    rows = await _narrow(select, _within(Household.village.path, actor))
    return {r["id"] for r in rows}


def reviewed(actor: Actor, place: Any) -> Any | None:
    """A where-clause on an entry kind's table for the review lists (coordinators'): rows
    whose place -- the area path ``place`` reaches, the household's village or the
    activity's area -- lies in ``actor``'s areas; None for all, nothing for volunteers."""
    if not actor.is_coordinator:
        return place.is_null() & place.is_not_null()
    return _within(place, actor)


def teams(actor: Actor) -> Any | None:
    """A where-clause on Team: the teams of ``actor``'s areas; None for all."""
    return _within(Team.area.path, actor)


_AUDITED_RECORDS = {
    "household": 'SELECT CAST(h.id AS VARCHAR(64)) FROM "household" h',
    "follow_up": 'SELECT CAST(f.id AS VARCHAR(64)) FROM "follow_up" f '
    'JOIN "household" h ON h.id = f.household',
    "entry": 'SELECT CAST(v.entry AS VARCHAR(64)) FROM "visit" v '
    'JOIN "household" h ON h.id = v.household',
}
"""The records an audit row can be about whose place is a household, as SQL."""


def audit(actor: Actor) -> Any | None:
    """A where-clause on AuditLog: what a coordinator may read of the audit log -- what
    they did, what the accounts they look after did, and every change to a household of
    their areas, its follow-ups and its visits; None for all (an admin)."""
    if actor.is_admin:
        return None
    if actor.role != "coordinator" or not actor.area_paths:
        return AuditLog.id == -1
    by = (AuditLog.actor == actor.id) | (
        AuditLog.actor.role.is_in(list(LOOKED_AFTER_ROLES))
        & _within(AuditLog.actor.team.area.path, actor)
    )
    marks = " OR ".join("a.path LIKE {}" for _ in actor.area_paths)
    paths = [f"{p}%" for p in actor.area_paths]
    for table, records in _AUDITED_RECORDS.items():
        about = (
            '"audit_log"."table_name" = {} AND "audit_log"."row_id" IN '
            f'({records} JOIN "area" a ON a.id = h.village WHERE {marks})'
        )
        by |= WhereRaw(about, table, *paths)
    return by


def flags(actor: Actor) -> Any | None:
    """A where-clause on HouseholdFlag: flags on households of ``actor``'s areas."""
    if not actor.is_coordinator:
        return HouseholdFlag.id == -1
    return _within(HouseholdFlag.household.village.path, actor)


async def follow_ups(actor: Actor) -> Any | None:
    """A where-clause on FollowUp: the items about households ``actor`` may see."""
    if actor.is_coordinator:
        return _within(FollowUp.household.village.path, actor)
    return FollowUp.household.is_in(await paired_household_ids(actor.id) or [-1])


@dataclass(frozen=True)
class Scopes:
    """Whether an actor may record entries about each of a batch's households.

    Read with one query for the whole batch (``recording_scopes``), then asked per entry.
    """

    actor: Actor
    visible: frozenset[int] = frozenset()
    """Coordinators: the batch's households in their areas."""
    pairings: dict[int, list[dt.datetime | None]] = field(default_factory=dict)
    """Volunteers: when each of their pairings with a household ended (None: not yet)."""

    def of(self, household_id: int, recorded_at: dt.datetime) -> str:
        """``ok``: in scope now. ``flag``: the pairing ended, but after (or within the
        grace period before) the entry was recorded at device time ``recorded_at``.
        ``out``: never in scope."""
        if self.actor.is_coordinator:
            return "ok" if household_id in self.visible else "out"
        ended = self.pairings.get(household_id, [])
        if any(e is None for e in ended):
            return "ok"
        if any(e is not None and recorded_at <= e + PAIRING_GRACE for e in ended):
            return "flag"
        return "out"


async def recording_scopes(actor: Actor, household_ids: set[int]) -> Scopes:
    """``Scopes`` of ``actor`` for ``household_ids``, in one query."""
    if actor.is_coordinator:
        return Scopes(actor, visible=frozenset(await households_within_areas(actor, household_ids)))
    ids = sorted(i for i in household_ids if 0 < i < 2**31) or [-1]
    # Plain SQL: building this as a Piccolo select costs more than running it.
    marks = ", ".join(["{}"] * len(ids))
    rows = await fetch(
        f'SELECT "household", "ended_at" FROM "{Pairing._meta.tablename}" '
        f'WHERE "volunteer" = {{}} AND "household" IN ({marks})',
        actor.id,
        *ids,
    )
    pairings: dict[int, list[dt.datetime | None]] = {}
    for row in rows:
        pairings.setdefault(row["household"], []).append(row["ended_at"])
    return Scopes(actor, pairings=pairings)


async def recording_scope(actor: Actor, household_id: int, recorded_at: dt.datetime) -> str:
    """Whether ``actor`` may record an entry about a household at device time ``recorded_at``
    (see ``Scopes.of``)."""
    return (await recording_scopes(actor, {household_id})).of(household_id, recorded_at)


# --- areas, teams, accounts, devices ----------------------------------------------


def looks_after(actor: Actor, account: dict[str, Any]) -> bool:
    """True when ``actor`` looks after ``account`` (a row with ``role`` and ``team.area.path``)."""
    if actor.is_admin:
        return True
    return account["role"] in LOOKED_AFTER_ROLES and covers(actor, account["team.area.path"])


def accounts(actor: Actor) -> Any | None:
    """A where-clause on Account: the accounts ``actor`` looks after; None for all."""
    if actor.is_admin:
        return None
    return Account.role.is_in(list(LOOKED_AFTER_ROLES)) & _within(Account.team.area.path, actor)


def devices(actor: Actor) -> Any | None:
    """A where-clause on Device: the devices of the accounts ``actor`` looks after."""
    if actor.is_admin:
        return None
    return Device.account.role.is_in(list(LOOKED_AFTER_ROLES)) & _within(
        Device.account.team.area.path, actor
    )


async def may_hand_over(actor: Actor, account: dict[str, Any]) -> bool:
    """True when ``actor`` may hand ``account`` over (reset its password, show its join QR).

    The account must be one ``actor`` looks after, and every household it can see or
    record for (paired now, or within the grace period) must lie in ``actor``'s areas.
    """
    if actor.is_admin:
        return True
    if not looks_after(actor, account):
        return False
    since = now() - PAIRING_GRACE
    rows = await Pairing.select(Pairing.household.village.path).where(
        (Pairing.volunteer == account["id"])
        & (Pairing.ended_at.is_null() | (Pairing.ended_at > since))
    )
    return all(covers(actor, r["household.village.path"]) for r in rows)


# --- activities -------------------------------------------------------------------


def _ancestors(path: str | None) -> list[str]:
    """``/3/17/52/`` -> ``/3/``, ``/3/17/``, ``/3/17/52/``: the areas a path lies under."""
    parts = [p for p in (path or "").split("/") if p]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


async def team_area_path(team_id: int | None) -> str | None:
    """The area path of team ``team_id`` (None without a team or an area)."""
    if team_id is None:
        return None
    row = await Team.select(Team.area.path).where(Team.id == team_id).first()
    return row["area.path"] if row else None


async def activities(actor: Actor) -> Any | None:
    """A where-clause on Activity: what ``actor`` sees; None for all.

    Coordinators: the activities of their areas. Everyone else: those meant for them
    (their team's, and those of their team's area or an area above it, for every team).
    """
    if actor.is_coordinator:
        return _within(Activity.area.path, actor)
    return await activities_of_team(actor.team_id)


async def activities_of_team(team_id: int | None) -> Any:
    """A where-clause on Activity: those meant for the members of team ``team_id`` (its
    own, and those of its area or an area above it, for every team); none without a team."""
    if team_id is None:
        return Activity.id == -1
    above = _ancestors(await team_area_path(team_id)) or ["-"]
    return (Activity.team == team_id) | (Activity.team.is_null() & Activity.area.path.is_in(above))


def manages_activity(actor: Actor, activity: dict[str, Any]) -> bool:
    """True when ``actor`` may change ``activity`` (a row with ``team`` and
    ``area.path``) and see who signed up: a coordinator of its area, its team's leader."""
    if actor.is_coordinator:
        return covers(actor, activity["area.path"])
    return (
        actor.role == "leader" and actor.team_id is not None and activity["team"] == actor.team_id
    )


def managed_activities(actor: Actor) -> Any | None:
    """A where-clause on Activity: those ``actor`` may change; None for all."""
    if actor.is_coordinator:
        return _within(Activity.area.path, actor)
    if actor.role == "leader" and actor.team_id is not None:
        return Activity.team == actor.team_id
    return Activity.id == -1


async def activity_audience(team_id: int | None, area_path: str) -> list[int]:
    """The volunteers and leaders an activity is meant for (whose phones pull it):
    its team's members, or those of every team in ``area_path`` and under it."""
    where = Account.role.is_in(list(LOOKED_AFTER_ROLES)) & (Account.active == True)  # noqa: E712
    if team_id is not None:
        where &= Account.team == team_id
    else:
        where &= under(Account.team.area.path, area_path)
    rows = await Account.select(Account.id).where(where)
    return sorted(r["id"] for r in rows)


# --- entries' files ---------------------------------------------------------------


async def sees_entry_files(actor: Actor, author_id: int, household_id: int | None) -> bool:
    """True when ``actor`` may see the files (photo, signature) of an entry by ``author_id``
    about ``household_id``: its author; a coordinator whose areas hold the household (an
    entry about no household: who look after its author); nobody else."""
    if actor.id == author_id:
        return True
    if not actor.is_coordinator:
        return False
    if household_id is not None:
        return bool(await households_within_areas(actor, {household_id}))
    author = (
        await Account.select(Account.id, Account.role, Account.team.area.path)
        .where(Account.id == author_id)
        .first()
    )
    return author is not None and looks_after(actor, author)


async def leads_member(actor: Actor, member_id: int) -> bool:
    """True when ``actor`` is a team leader and ``member_id`` an active member of their own
    team: whom a leader may check in or out (members without a phone)."""
    if actor.role != "leader" or actor.team_id is None or not 0 < member_id < 2**31:
        return False
    row = (
        await Account.select(Account.id)
        .where(
            (Account.id == member_id)
            & (Account.team == actor.team_id)
            & (Account.active == True)  # noqa: E712
            & Account.role.is_in(list(LOOKED_AFTER_ROLES))
        )
        .first()
    )
    return row is not None


async def team_members(actor: Actor) -> list[dict[str, Any]]:
    """The active members of a leader's own team (``id``, ``display_name``); none for
    anyone else."""
    if actor.role != "leader" or actor.team_id is None:
        return []
    return await (
        Account.select(Account.id, Account.display_name)
        .where(
            (Account.team == actor.team_id)
            & (Account.active == True)  # noqa: E712
            & Account.role.is_in(list(LOOKED_AFTER_ROLES))
        )
        .order_by(Account.display_name)
    )


# --- entries ------------------------------------------------------------------------


async def may_correct(
    actor: Actor, author_id: int, household_id: int | None, voiding: bool
) -> bool:
    """True when ``actor`` may correct an entry of ``author_id`` about ``household_id``.

    A volunteer corrects (replaces or voids) only their own entries. A coordinator may
    also void, not replace, any entry about a household of their areas; an admin any.
    """
    if author_id == actor.id:
        return True
    if not voiding or not actor.is_coordinator:
        return False
    if actor.is_admin:
        return True
    return household_id is not None and bool(await households_within_areas(actor, {household_id}))


# --- notices and notifications ----------------------------------------------------


@dataclass(frozen=True)
class Audiences:
    """Whom a coordinator may send a notice to: their teams and their areas."""

    teams: list[dict[str, Any]]
    """``{id, name}`` of the teams in the coordinator's areas."""
    areas: list[dict[str, Any]]
    """``{id, name, level}`` of the counties and townships in the coordinator's areas."""


async def notice_audiences(actor: Actor) -> Audiences:
    """The teams and areas ``actor`` may address a notice to (admins: all of them)."""
    teams = await _narrow(
        Team.select(Team.id, Team.name).where(Team.retired == False),  # noqa: E712
        _within(Team.area.path, actor),
    ).order_by(Team.name)
    areas = await _narrow(
        Area.select(Area.id, Area.name, Area.level).where(
            Area.level.is_in(["county", "township"]) & (Area.retired == False)  # noqa: E712
        ),
        _within(Area.path, actor),
    ).order_by(Area.path)
    return Audiences(teams=list(teams), areas=list(areas))


async def notice_recipients(
    actor: Actor, audience: str, audience_id: int | None
) -> tuple[str, list[int]] | None:
    """The audience's name and the active accounts a notice from ``actor`` reaches.

    ``team``: that team's volunteers and leaders; ``area``: those of every team in the area
    or under it; ``all``: everyone ``actor`` looks after. None when ``actor`` may not
    address that team or area.
    """
    select = Account.select(Account.id).where(
        Account.role.is_in(list(LOOKED_AFTER_ROLES)) & (Account.active == True)  # noqa: E712
    )
    select = _narrow(select, _within(Account.team.area.path, actor))
    name = ""
    if audience == "team":
        team = await Team.select(Team.name, Team.area.path).where(Team.id == audience_id).first()
        if team is None or not covers(actor, team["area.path"]):
            return None
        name, select = team["name"], select.where(Account.team == audience_id)
    elif audience == "area":
        area = await Area.select(Area.name, Area.path).where(Area.id == audience_id).first()
        if area is None or not covers(actor, area["path"]):
            return None
        name, select = area["name"], select.where(under(Account.team.area.path, area["path"]))
    elif audience != "all" or not actor.is_coordinator:
        return None
    return name, sorted(r["id"] for r in await select)


async def _coordinator_areas() -> list[tuple[int, str]]:
    rows = await CoordinatorArea.select(CoordinatorArea.account, CoordinatorArea.area.path).where(
        CoordinatorArea.account.role.is_in(["coordinator"])
        & (CoordinatorArea.account.active == True)  # noqa: E712
    )
    return [(r["account"], r["area.path"]) for r in rows]


async def coordinators_of_households(household_ids: list[int]) -> dict[int, set[int]]:
    """The coordinators whose areas cover each household (who follow its flags and needs)."""
    ids = sorted({i for i in household_ids if 0 < i < 2**31}) or [-1]
    rows = await Household.select(Household.id, Household.village.path).where(
        Household.id.is_in(ids)
    )
    areas = await _coordinator_areas()
    return {
        r["id"]: {a for a, path in areas if (r["village.path"] or "").startswith(path)}
        for r in rows
    }


async def coordinators_of_accounts(account_ids: list[int]) -> dict[int, set[int]]:
    """The coordinators who look after each account (who follow its phones)."""
    ids = sorted({i for i in account_ids if 0 < i < 2**31}) or [-1]
    rows = await Account.select(Account.id, Account.role, Account.team.area.path).where(
        Account.id.is_in(ids)
    )
    areas = await _coordinator_areas()
    return {
        r["id"]: {
            a
            for a, path in areas
            if r["role"] in LOOKED_AFTER_ROLES and (r["team.area.path"] or "").startswith(path)
        }
        for r in rows
    }

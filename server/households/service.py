"""The queries behind 今天, the household list and the household page (within ``scope``),
and the one versioned path for household changes."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from server import scope
from server.accounts.tables import Account
from server.actor import Actor
from server.areas.tables import Area
from server.db import is_sqlite, write_transaction
from server.entries.tables import Visit
from server.households import fields, versions
from server.households.tables import Household, Member
from server.sync import changelog

NEED_AREAS = ("health", "training", "livelihood", "work_school")


@dataclass
class HouseholdSummary:
    """A row of 今天 and of the household list."""

    id: int
    code: str
    head_name: str
    village: str
    phone: str
    address: str
    last_visit_at: dt.datetime | None = None
    needs: dict[str, dict[str, str]] = field(default_factory=dict)
    follow_up: bool = False

    @property
    def urgent(self) -> bool:
        return any(n["level"] == "urgent" for n in self.needs.values())


def _search_filter(query: str) -> Any:
    pattern = "%" + query.replace("%", "").replace("_", "") + "%"
    columns = [
        Household.head_name,
        Household.village.name,
        Household.phone,
        Household.code,
        Household.address,
    ]
    # SQLite's LIKE already ignores ASCII case (and has no ILIKE).
    clauses = [c.like(pattern) if is_sqlite() else c.ilike(pattern) for c in columns]
    return functools.reduce(operator.or_, clauses)


async def last_visits(household_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest visit that counts for each household (voided ones do not)."""
    if not household_ids:
        return {}
    rows = (
        await Visit.select()
        .where(Visit.household.is_in(household_ids) & (Visit.voided == False))  # noqa: E712
        .order_by(Visit.visited_at, ascending=False)
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest.setdefault(row["household"], row)
    return latest


def needs_of(visit: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The four need areas of a visit row as ``{area: {level, note}}``."""
    return {
        area: {"level": visit[f"{area}_level"], "note": visit[f"{area}_note"]}
        for area in NEED_AREAS
    }


async def summaries(actor: Actor, query: str = "", limit: int = 500) -> list[HouseholdSummary]:
    """Households in ``actor``'s scope matching ``query``, with their last visit."""
    select = Household.select(
        Household.id,
        Household.code,
        Household.head_name,
        Household.village.name,
        Household.phone,
        Household.address,
    )
    visible = await scope.households(actor)
    if visible is not None:
        select = select.where(visible)
    if query.strip():
        select = select.where(_search_filter(query.strip()))
    rows = await select.order_by(Household.village.name).order_by(Household.code).limit(limit)
    latest = await last_visits([r["id"] for r in rows])
    result = []
    for r in rows:
        summary = HouseholdSummary(
            id=r["id"],
            code=r["code"],
            head_name=r["head_name"],
            village=r["village.name"],
            phone=r["phone"],
            address=r["address"],
        )
        visit = latest.get(r["id"])
        if visit is not None:
            summary.last_visit_at = visit["visited_at"]
            summary.needs = needs_of(visit)
            summary.follow_up = visit["follow_up"]
        result.append(summary)
    return result


async def today(actor: Actor) -> list[HouseholdSummary]:
    """The actor's own paired households, the least recently visited first."""
    ids = await scope.paired_household_ids(actor.id)
    if not ids:
        return []
    own = Actor(**{**actor.__dict__, "role": "volunteer"})
    rows = await summaries(own)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda s: (s.last_visit_at or epoch, s.code))


async def follow_ups(actor: Actor) -> list[HouseholdSummary]:
    """Households in a coordinator's scope whose last visit asks for follow-up or is urgent."""
    if not actor.is_coordinator:
        return []
    return [s for s in await summaries(actor) if s.follow_up or s.urgent]


async def detail(actor: Actor, household_id: int) -> dict[str, Any] | None:
    """A household page's data, or None when it is outside ``actor``'s scope."""
    if not await scope.sees_household(actor, household_id):
        return None
    household = (
        await Household.select(
            Household.all_columns(),
            Household.village.name,
            Household.village.path,
        )
        .where(Household.id == household_id)
        .first()
    )
    assert household is not None
    members = (
        await Member.select()
        .where((Member.household == household_id) & (Member.removed == False))  # noqa: E712
        .order_by(Member.birth_year)
    )
    visits = (
        await Visit.select(Visit.all_columns(), Visit.volunteer.display_name)
        .where(Visit.household == household_id)
        .order_by(Visit.visited_at, ascending=False)
        .limit(100)
    )
    counting = [v for v in visits if not v["voided"]]
    return {
        "household": household,
        "place": await place_names(household["village.path"]),
        "members": members,
        "visits": visits,
        "needs": needs_of(counting[0]) if counting else None,
        "last_visit": counting[0] if counting else None,
    }


async def place_names(path: str) -> list[str]:
    """County, township and village names for an area path like ``/1/4/9/``."""
    ids = [int(p) for p in path.strip("/").split("/") if p]
    rows = await Area.select(Area.id, Area.name).where(Area.id.is_in(ids or [-1]))
    names = {r["id"]: r["name"] for r in rows}
    return [names[i] for i in ids if i in names]


async def teammates(actor: Actor) -> list[dict[str, Any]]:
    """Other active members of the actor's team (possible visit companions)."""
    if actor.team_id is None:
        return []
    return (
        await Account.select(Account.id, Account.display_name)
        .where(
            (Account.team == actor.team_id) & (Account.id != actor.id) & (Account.active == True)  # noqa: E712
        )
        .order_by(Account.display_name)
    )


# --- the one versioned path for household changes (DESIGN §3.3) --------------------

SOURCES = ("field", "coordinator", "import", "resolution")
"""Where a household change comes from: a phone's patch, a coordinator's edit, a roster
import, or a coordinator resolving a flag."""


@dataclass(frozen=True)
class ChangeOutcome:
    """What ``apply_household_change`` did."""

    version: int
    """The household's version afterwards."""
    changed: tuple[str, ...]
    """The fields written (keys as in ``fields.py``); empty when nothing differed."""
    conflict: str | None = None
    """``hard``, ``soft`` or None."""
    flag_id: int | None = None


async def apply_household_change(
    actor_id: int | None,
    household_id: int,
    changes: dict[str, Any],
    base_version: int,
    device_id: str = "",
    source: str = "field",
    *,
    entry_id: str = "",
    keep_current_on_conflict: bool = False,
) -> ChangeOutcome:
    """Change a household: the one path for phones, coordinators, imports and resolutions.

    ``changes`` has the public shape of a ``household_patch``: ``{phone?, address?,
    members?: [{id?, name, relation, birth_year, removed?}]}`` (coordinators and
    imports may also set ``head_name``, ``poverty_status`` and ``notes``), and
    ``base_version`` is the version its author saw. In one transaction the fields
    that differ are written and ``version`` is raised; the new version is recorded
    with its author, ``device_id`` and ``source``; an audit row is written; and every
    volunteer paired with the household gets its new state in the change log.

    If another device or a coordinator changed the household since
    ``base_version`` (the author's own earlier edits on the same device do not
    count), the household is flagged, hard or soft, with both competing values of
    each field; the change is still applied, in arrival order, unless
    ``keep_current_on_conflict`` (imports) keeps the current value of the fields
    both changed. Raises LookupError for an unknown household and ValueError for
    a member id of another household. Permission checks are the caller's.
    """
    assert source in SOURCES, source
    author = {"actor": actor_id, "device_id": device_id, "source": source, "entry_id": entry_id}
    async with write_transaction():
        await changelog.lock()
        found = await versions.current_fields(household_id)
        if found is None:
            raise LookupError(f"no household {household_id}")
        version, current = found
        proposed = fields.fields_of_changes(changes)
        await versions.check_new_members(current, proposed)
        comparison = fields.compare(
            current,
            proposed,
            await versions.since(household_id, base_version),
            (actor_id, device_id),
            keep_current_on_conflict,
        )
        if comparison.to_apply:
            version += 1
            await versions.write(household_id, current, comparison.to_apply, version, author)
        flag_id = None
        if comparison.severity is not None:
            flag_id = await versions.flag(household_id, comparison, base_version, version, author)
        if comparison.to_apply:
            await changelog.household_changed(household_id)
    return ChangeOutcome(version, tuple(sorted(comparison.to_apply)), comparison.severity, flag_id)

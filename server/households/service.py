"""The queries behind 今天, the household list and the household page (within ``scope``)."""

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
from server.db import is_sqlite
from server.entries.kinds.visit import Visit, needs_of
from server.households.tables import Household, Member


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

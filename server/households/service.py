"""The households behind 今天, the household list and the household page (within ``scope``).

What their visits add (the last one's needs, the history) is the visit's:
``server/entries/kinds/visit_history.py`` fills it in."""

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


async def summaries(actor: Actor, query: str = "", limit: int = 500) -> list[HouseholdSummary]:
    """Households in ``actor``'s scope matching ``query`` (their visits not filled in)."""
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
    return [
        HouseholdSummary(
            id=r["id"],
            code=r["code"],
            head_name=r["head_name"],
            village=r["village.name"],
            phone=r["phone"],
            address=r["address"],
        )
        for r in rows
    ]


async def paired(actor: Actor) -> list[HouseholdSummary]:
    """The actor's own paired households (whatever else their role lets them see)."""
    if not await scope.paired_household_ids(actor.id):
        return []
    return await summaries(Actor(**{**actor.__dict__, "role": "volunteer"}))


async def detail(actor: Actor, household_id: int) -> dict[str, Any] | None:
    """A household with its place and members, or None when it is outside ``actor``'s scope."""
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
    if household is None:  # gone between the scope check and this read
        return None
    members = (
        await Member.select()
        .where((Member.household == household_id) & (Member.removed == False))  # noqa: E712
        .order_by(Member.birth_year)
    )
    return {
        "household": household,
        "place": await place_names(household["village.path"]),
        "members": members,
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

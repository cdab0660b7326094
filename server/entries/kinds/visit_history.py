"""What the household pages show of visits: each household's last visit that counts
(its needs, whether it asks for follow-up) and its history.

The households themselves are ``server/households/service.py``'s; this module adds
their visits, so households never read the visit table (a visit names its household,
not the other way round).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.actor import Actor
from server.entries import chains
from server.entries.kinds.visit import Visit, needs_of
from server.households import service as households
from server.households.service import HouseholdSummary

SHOWN = 100
"""Visits a household page lists, the latest first."""


async def last_visits(household_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest visit that counts for each household (of each correction chain, its
    latest entry; voided ones do not count)."""
    if not household_ids:
        return {}
    rows = (
        await Visit.select()
        .where(Visit.household.is_in(household_ids) & chains.latest(Visit.entry))
        .order_by(Visit.visited_at, ascending=False)
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        latest.setdefault(row["household"], row)
    return latest


async def with_last_visits(rows: list[HouseholdSummary]) -> list[HouseholdSummary]:
    """``rows`` with their last visit's time, needs and follow-up filled in."""
    latest = await last_visits([r.id for r in rows])
    for summary in rows:
        visit = latest.get(summary.id)
        if visit is not None:
            summary.last_visit_at = visit["visited_at"]
            summary.needs = needs_of(visit)
            summary.follow_up = visit["follow_up"]
    return rows


async def summaries(actor: Actor, query: str = "") -> list[HouseholdSummary]:
    """The household list: households in ``actor``'s scope matching ``query``, with their
    last visit."""
    return await with_last_visits(await households.summaries(actor, query))


async def today(actor: Actor) -> list[HouseholdSummary]:
    """今天: the actor's own paired households, the least recently visited first."""
    rows = await with_last_visits(await households.paired(actor))
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(rows, key=lambda s: (s.last_visit_at or epoch, s.code))


async def history(household_id: int) -> dict[str, Any]:
    """A household page's visits (the latest ``SHOWN``; of a corrected one, its latest
    values; voided ones marked), its last visit that counts and that visit's needs (None
    before the first)."""
    visits = (
        await Visit.select(Visit.all_columns(), Visit.volunteer.display_name)
        .where((Visit.household == household_id) & chains.shown(Visit.entry))
        .order_by(Visit.visited_at, ascending=False)
        .limit(SHOWN)
    )
    counting = [v for v in visits if not v["voided"]]
    return {
        "visits": visits,
        "needs": needs_of(counting[0]) if counting else None,
        "last_visit": counting[0] if counting else None,
    }


async def own_totals(actor: Actor) -> dict[str, int]:
    """The actor's own visits as the Red Cross counts them: 户次 (visits, the latest of
    each correction chain, voided ones not at all) and 户 (distinct households)."""
    counted = (Visit.volunteer == actor.id) & chains.latest(Visit.entry)
    visits = await Visit.count().where(counted)
    households = await Visit.select(Visit.household).where(counted).distinct()
    return {"visits": visits, "households": len(households)}

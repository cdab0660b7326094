"""The households behind a dashboard count of households (户): the list its number opens.

A count of entries links to the review list, which holds those entries; a count of
households would there show its visits or deliveries (户次, 次), more rows than the number.
These lists show each household the number counts once, with how many of its records it
counts, by the same rules as ``counting`` (its sources and conditions: the latest entry of
each chain, the period, the scope rule, the area chosen) and the same filters as the links
of the other counts (``area``, ``team``, ``from``, ``to``). Paged by household id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.actor import Actor
from server.db import fetch
from server.reports import counting
from server.reports.counting import AUTHOR, ENTRY_PLACE, VISIT, Grouping, Source
from server.reports.indicators import NEED_AREAS
from server.reports.period import Period

PAGE = 50

VISITS = Source(
    f'"{VISIT}" v {ENTRY_PLACE.replace("{}", "v")} {AUTHOR}', "a.path", "v.visited_at", "u.team", {}
)
"""Visits as ``counting`` reads the other kinds (``visit_counts`` counts them in one pass)."""
_URGENT = " OR ".join(f"v.{key}_level = 'urgent'" for key, _ in NEED_AREAS)

CELLS: dict[str, tuple[Source, str, str]] = {
    "households_visited": (VISITS, "v.household", ""),
    **{f"need_{key}": (VISITS, "v.household", f"v.{key}_level <> 'none'") for key, _ in NEED_AREAS},
    "urgent": (VISITS, "v.household", f"({_URGENT})"),
    "medicine_households": (counting.MEDICINES, "m.household", ""),
    "supply_households": (counting.SUPPLIES, "s.household", "s.household IS NOT NULL"),
    "purchase_households": (counting.PURCHASES, "p.household", ""),
}
"""Each household count: its source, its household column, what else a record must be."""


@dataclass(frozen=True)
class Listed:
    """One page of the households a count counts."""

    households: list[dict[str, Any]]
    total: int
    """How many households the count counts in all (the dashboard's number)."""
    next_id: int
    """The id the next page starts after; 0 on the last page."""


async def _where(
    actor: Actor, key: str, place: int | None, team: int | None, period: Period
) -> tuple[Source, str, str, list[Any]]:
    source, column, extra = CELLS[key]
    conditions, args = await counting.where(actor, source, Grouping("area", place), period)
    if extra:
        conditions += f" AND {extra}"
    if team is not None:
        conditions += " AND u.team = {}"
        args.append(team)
    return source, column, conditions, args


async def listed(
    actor: Actor,
    key: str,
    place: int | None,
    team: int | None,
    period: Period,
    after_id: int = 0,
) -> Listed:
    """The households count ``key`` counts under area ``place`` (by team ``team``) in
    ``period``, by id from ``after_id``, each with the number of its records counted."""
    source, column, conditions, args = await _where(actor, key, place, team, period)
    rows = await fetch(
        "SELECT h.id AS id, h.head_name AS head_name, h.code AS code, a.name AS village, "
        f"COUNT(*) AS records FROM {source.tables} WHERE {conditions} AND {column} > {{}} "
        f"GROUP BY h.id, h.head_name, h.code, a.name ORDER BY h.id LIMIT {PAGE + 1}",
        *args,
        after_id,
    )
    [total] = await fetch(
        f"SELECT COUNT(DISTINCT {column}) AS n FROM {source.tables} WHERE {conditions}", *args
    )
    shown = rows[:PAGE]
    next_id = shown[-1]["id"] if len(rows) > PAGE else 0
    return Listed(shown, int(total["n"] or 0), next_id)

"""Supplies per item and occasion, counted by ``counting``'s rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.actor import Actor
from server.db import fetch
from server.reports.counting import (
    ALL_FLAGGED,
    CATALOGUE_ITEM,
    SUPPLIES,
    SUPPLY_ITEM,
    SUPPLY_PLACE,
    SUPPLY_TABLES,
    Grouping,
    Source,
    where,
)
from server.reports.period import Period


@dataclass(frozen=True)
class SupplyLine:
    """Supplies of one catalogue item handed out on one occasion."""

    item: str
    unit: str
    occasion: str
    quantity: int
    handouts: int
    flagged: int = 0
    item_id: int = 0


PAGE = 100
"""Handout lines a page lists."""
LINES = Source(
    f'"{SUPPLY_ITEM}" si JOIN "{CATALOGUE_ITEM}" ci ON ci.id = si.item JOIN '
    + SUPPLY_TABLES.replace("s JOIN", "s ON s.entry = si.entry JOIN", 1),
    SUPPLY_PLACE,
    SUPPLIES.time,
    SUPPLIES.team,
    {},
)
"""Each item of each handout, in its handout's place (``counting.SUPPLIES``'s rules)."""


async def supplies(actor: Actor, grouping: Grouping, period: Period) -> list[SupplyLine]:
    """Supplies per item and occasion (quantities in each line's unit), in one GROUP BY."""
    conditions, args = await where(actor, LINES, grouping, period)
    sql = (
        "SELECT ci.id AS item_id, ci.name AS item, ci.specification AS spec, si.unit AS unit, "
        "s.occasion AS occasion, SUM(si.quantity) AS quantity, "
        f"COUNT(DISTINCT s.entry) AS handouts, {ALL_FLAGGED} AS flagged "
        f"FROM {LINES.tables} WHERE {conditions} "
        "GROUP BY ci.id, ci.name, ci.specification, si.unit, s.occasion "
        "ORDER BY ci.name, s.occasion"
    )
    return [
        SupplyLine(
            f"{r['item']} {r['spec']}".strip(),
            r["unit"],
            r["occasion"],
            int(r["quantity"] or 0),
            int(r["handouts"]),
            int(r["flagged"] or 0),
            int(r["item_id"]),
        )
        for r in await fetch(sql, *args)
    ]


async def handouts(
    actor: Actor,
    item: int,
    unit: str,
    occasion: str,
    place: int | None,
    team: int | None,
    period: Period,
    after_id: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """The handout lines behind one row of ``supplies`` (under area ``place``, by team
    ``team``), by line id from ``after_id``: what its handouts count links to; and the id
    the next page starts after (0 on the last page)."""
    conditions, args = await where(actor, LINES, Grouping("area", place), period)
    conditions += " AND si.item = {} AND si.unit = {} AND s.occasion = {}"
    args += [item, unit, occasion]
    if team is not None:
        conditions += " AND u.team = {}"
        args.append(team)
    rows = await fetch(
        "SELECT si.id AS id, e.id AS entry, s.household AS household, h.head_name AS head_name, "
        "s.place AS place, si.quantity AS quantity, si.unit AS unit "
        f"FROM {LINES.tables} WHERE {conditions} AND si.id > {{}} "
        f"ORDER BY si.id LIMIT {PAGE + 1}",
        *args,
        after_id,
    )
    shown = rows[:PAGE]
    return shown, (shown[-1]["id"] if len(rows) > PAGE else 0)

"""Supplies per item and occasion, counted by ``counting``'s rules."""

from __future__ import annotations

from dataclasses import dataclass

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


async def supplies(actor: Actor, grouping: Grouping, period: Period) -> list[SupplyLine]:
    """Supplies per item and occasion (quantities in each line's unit), in one GROUP BY."""
    source = Source(
        f'"{SUPPLY_ITEM}" si JOIN "{CATALOGUE_ITEM}" ci ON ci.id = si.item JOIN '
        + SUPPLY_TABLES.replace("s JOIN", "s ON s.entry = si.entry JOIN", 1),
        SUPPLY_PLACE,
        SUPPLIES.time,
        SUPPLIES.team,
        {},
    )
    conditions, args = await where(actor, source, grouping, period)
    sql = (
        "SELECT ci.name AS item, ci.specification AS spec, si.unit AS unit, "
        "s.occasion AS occasion, SUM(si.quantity) AS quantity, "
        f"COUNT(DISTINCT s.entry) AS handouts, {ALL_FLAGGED} AS flagged "
        f"FROM {source.tables} WHERE {conditions} "
        "GROUP BY ci.name, ci.specification, si.unit, s.occasion ORDER BY ci.name, s.occasion"
    )
    return [
        SupplyLine(
            f"{r['item']} {r['spec']}".strip(),
            r["unit"],
            r["occasion"],
            int(r["quantity"] or 0),
            int(r["handouts"]),
            int(r["flagged"] or 0),
        )
        for r in await fetch(sql, *args)
    ]

"""The dashboard: for a period and an area, every count per row and in all (``counting``,
``people``), supplies per item and occasion, and visits over time for the chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server import scope
from server.actor import Actor
from server.reports import breakdowns, counting, people, visit_counts
from server.reports.counting import REST, Cell, Cells, Grouping
from server.reports.period import Bucket, Period


@dataclass(frozen=True)
class Row:
    """One row of the dashboard: an area or a team (``id`` REST: the records of none)."""

    id: int
    name: str
    cells: Cells

    def cell(self, key: str) -> Cell:
        """The row's number for indicator ``key`` (0 when nothing counted)."""
        return self.cells.get(key, Cell())


@dataclass
class Dashboard:
    """What the dashboard page shows."""

    period: Period
    by: str
    area: dict[str, Any] | None
    """The area chosen (None: all of the actor's areas, or one outside them)."""
    rows: list[Row] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row(REST, "", {}))
    supplies: list[breakdowns.SupplyLine] = field(default_factory=list)
    over_time: list[tuple[Bucket, int]] = field(default_factory=list)


def _merge(*parts: dict[int, Cells]) -> dict[int, Cells]:
    merged: dict[int, Cells] = {}
    for part in parts:
        for row, cells in part.items():
            merged.setdefault(row, {}).update(cells)
    return merged


async def dashboard(actor: Actor, by: str, area_id: int | None, period: Period) -> Dashboard:
    """Every count for ``period`` under area ``area_id`` (or all of ``actor``'s areas), per
    area one level below it or per team; nothing of an area outside ``actor``'s areas."""
    chosen, below = await scope.report_areas(actor, area_id)
    if area_id is not None and chosen is None:
        return Dashboard(period, by, None)
    place = chosen["id"] if chosen else None
    grouping = Grouping(by, place, tuple((a["id"], a["path"]) for a in below))
    if by == "team":
        names = [(t["id"], t["name"]) for t in await scope.report_teams(actor, place)]
    else:
        names = [(a["id"], a["name"]) for a in below]
    buckets = period.buckets()
    rows, total = await counting.count(actor, grouping, period)
    visited, visited_total, over_time = await visit_counts.visits(actor, grouping, period, buckets)
    total.update(visited_total)
    attended, attended_total = await people.attendance_counts(actor, grouping, period)
    reached, reached_total = await people.over_target(actor, grouping, period)
    total = {**total, **attended_total, **reached_total}
    if by == "area":
        total.update(await counting.distinct_total(actor, grouping, period))
    cells = _merge(rows, visited, attended, reached)
    shown = [Row(i, n, cells.get(i, {})) for i, n in names]
    if any(c.value for c in cells.get(REST, {}).values()):
        shown.append(Row(REST, "", cells[REST]))
    return Dashboard(
        period,
        by,
        chosen,
        shown,
        Row(REST, "", total),
        await breakdowns.supplies(actor, grouping, period),
        list(zip(buckets, over_time, strict=True)),
    )

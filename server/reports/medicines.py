"""The medicines behind the dashboard's count of medicines delivered (品种次): one line per
medicine per delivery, by the rules of ``counting`` (its ``MEDICINE_ITEMS`` source and its
conditions), paged by line id. The count of deliveries links to the review list instead,
whose rows are the deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.actor import Actor
from server.db import fetch
from server.reports import counting
from server.reports.counting import CATALOGUE_ITEM, Grouping

PAGE = 100


@dataclass(frozen=True)
class Lines:
    """One page of medicine lines and how many there are in all."""

    lines: list[dict[str, Any]]
    total: int
    next_id: int


async def listed(
    actor: Actor, place: int | None, team: int | None, period: Any, after_id: int = 0
) -> Lines:
    """The medicine lines the count counts under area ``place`` (delivered by team
    ``team``) in ``period``, by id from ``after_id``."""
    source = counting.MEDICINE_ITEMS
    where, args = await counting.where(actor, source, Grouping("area", place), period)
    if team is not None:
        where += " AND u.team = {}"
        args.append(team)
    tables = f'{source.tables} JOIN "{CATALOGUE_ITEM}" ci ON ci.id = i.item'
    rows = await fetch(
        "SELECT i.id AS id, ci.name AS medicine, ci.specification AS specification, "
        "i.quantity AS quantity, i.unit AS unit, h.id AS household, h.head_name AS head_name, "
        "e.id AS entry "
        f"FROM {tables} WHERE {where} AND i.id > {{}} ORDER BY i.id LIMIT {PAGE + 1}",
        *args,
        after_id,
    )
    [total] = await fetch(f"SELECT COUNT(*) AS n FROM {source.tables} WHERE {where}", *args)
    shown = rows[:PAGE]
    return Lines(shown, int(total["n"] or 0), shown[-1]["id"] if len(rows) > PAGE else 0)

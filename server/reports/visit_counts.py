"""The visit counts of ``counting``, in one pass over the visits (their table is by far the
largest: a million rows in an area of 100,000 households).

The rules are ``counting``'s (latest entry of each chain, the scope rule, flags marked); the
shape is what makes them cheap: the visits of the period are first grouped per household
(and per author's team, for rows per team), with how many there were, how many flagged,
which needs and whether urgent, and how many fell in each bucket of the chart; only those
groups are joined to their place and grouped again per row. A household is then one group
per row, so 户 is a plain count, and the total over every row (a household visited by
two teams counts once) comes from the same groups in the same statement.
"""

from __future__ import annotations

from typing import Any

from server import scope
from server.actor import Actor
from server.db import fetch
from server.reports.counting import (
    ACCOUNT,
    AREA,
    ENTRY,
    HOUSEHOLD,
    VISIT,
    Cell,
    Cells,
    Grouping,
)
from server.reports.indicators import NEED_AREAS
from server.reports.period import Bucket, Period

SUPERSEDED_IDS = f'SELECT id FROM "{ENTRY}" WHERE superseded_by IS NOT NULL'
"""Entries replaced or voided by a correction: ``chains.latest`` the other way round."""
FLAGGED_IDS = f"SELECT id FROM \"{ENTRY}\" WHERE flag > '' OR status = 'conflict'"
"""Flagged entries (``flag > ''`` is ``flag <> ''``, in a form an index answers)."""

TOTAL = -1
"""The row key of the total (0 is the row of records under no row's area or team)."""
_NEEDS = [k for k, _ in NEED_AREAS]
_URGENT = " OR ".join(f"v.{k}_level = 'urgent'" for k in _NEEDS)
FLAG = "v.fl = 1"
"""A visit's entry is flagged (computed once per visit, below)."""
_MARKS = {
    **{f"need_{k}": f"v.{k}_level <> 'none'" for k in _NEEDS},
    "urgent": f"({_URGENT})",
}
"""What makes a household count for each need cell."""


def _per_household(grouping: Grouping, cuts: int) -> str:
    """Per household (and team): visits, flagged ones, needs, and visits before each cut.

    The latest entries of their chains are those not superseded, and the flagged ones few:
    both are read as small sets of entry ids (through the indexes on ``superseded_by``,
    ``flag`` and ``status``) rather than joining every visit to its entry."""
    marks = ", ".join(
        f"MAX(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {name}, "
        f"SUM(CASE WHEN {cond} AND {FLAG} THEN 1 ELSE 0 END) AS {name}__f"
        for name, cond in _MARKS.items()
    )
    before = "".join(
        f", SUM(CASE WHEN v.visited_at < {{}} THEN 1 ELSE 0 END) AS c{n}" for n in range(cuts)
    )
    team, join, by = "0", "", ""
    if grouping.by == "team":
        team, join, by = "u.team", f'JOIN "{ACCOUNT}" u ON u.id = v.volunteer', ", u.team"
    visits = (
        f"SELECT x.*, CASE WHEN x.entry IN ({FLAGGED_IDS}) THEN 1 ELSE 0 END AS fl "
        f'FROM "{VISIT}" x WHERE x.entry NOT IN ({SUPERSEDED_IDS}) '
        "AND x.visited_at >= {} AND x.visited_at < {}"
    )
    # ``+``: SQLite would otherwise walk visit's household index for the GROUP BY, one
    # random read per visit (65 s over a million visits instead of a scan and a sort).
    return (
        f"SELECT +v.household AS household, {team} AS team, COUNT(*) AS n, "
        f"SUM(v.fl) AS f, {marks}{before} FROM ({visits}) v {join} "
        f"GROUP BY +v.household{by}"
    )


def _sums(cuts: int) -> str:
    marks = ", ".join(f"SUM({n}) AS {n}, SUM({n}__f) AS {n}__f" for n in _MARKS)
    before = "".join(f", SUM(c{n}) AS c{n}" for n in range(cuts))
    return f"COUNT(*) AS households, SUM(n) AS n, SUM(f) AS f, {marks}{before}"


def _merged(cuts: int) -> str:
    """A household's groups (one per team) as one, for the total."""
    marks = ", ".join(f"MAX({n}) AS {n}, SUM({n}__f) AS {n}__f" for n in _MARKS)
    before = "".join(f", SUM(c{n}) AS c{n}" for n in range(cuts))
    return (
        f"SELECT household, SUM(n) AS n, SUM(f) AS f, {marks}{before} "
        "FROM placed GROUP BY household"
    )


def _cells(row: dict[str, Any]) -> Cells:
    cells = {
        "households_visited": Cell(int(row["households"] or 0), int(row["f"] or 0)),
        "visits": Cell(int(row["n"] or 0), int(row["f"] or 0)),
    }
    for name in _MARKS:
        cells[name] = Cell(int(row[name] or 0), int(row[f"{name}__f"] or 0))
    return cells


async def visits(
    actor: Actor, grouping: Grouping, period: Period, buckets: list[Bucket]
) -> tuple[dict[int, Cells], Cells, list[int]]:
    """Visit counts per row, in all, and visits (户次) in each bucket of ``buckets``."""
    cuts = period.starts(buckets)
    key, key_args = grouping.key("a.path", "p.team")
    own, own_args = scope.area_sql(actor, "a.path")
    chosen, chosen_args = await scope.place_sql(actor, "a.path", grouping.place)
    sql = (
        f"WITH per AS MATERIALIZED ({_per_household(grouping, len(cuts))}), "
        f"placed AS MATERIALIZED (SELECT p.*, {key} AS row_key FROM per p "
        f'JOIN "{HOUSEHOLD}" h ON h.id = p.household JOIN "{AREA}" a ON a.id = h.village '
        f"WHERE {own} AND {chosen}) "
        f"SELECT row_key, {_sums(len(cuts))} FROM placed GROUP BY row_key "
        f"UNION ALL SELECT {TOTAL} AS row_key, {_sums(len(cuts))} FROM ({_merged(len(cuts))}) t"
    )
    args = [*cuts, period.start, period.end, *key_args, *own_args, *chosen_args]
    rows: dict[int, Cells] = {}
    total: Cells = {}
    over_time = [0] * len(buckets)
    for row in await fetch(sql, *args):
        if int(row["row_key"]) != TOTAL:
            rows[int(row["row_key"])] = _cells(row)
            continue
        total = _cells(row)
        before = [int(row[f"c{n}"] or 0) for n in range(len(cuts))] + [int(row["n"] or 0)]
        over_time = [b - a for a, b in zip([0, *before[:-1]], before, strict=True)]
    return rows, total, over_time

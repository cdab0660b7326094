"""The visit counts of ``counting``, read from the visits' monthly tallies (the visits are
by far the largest table: a million rows in an area of 100,000 households).

The rules are ``counting``'s (latest entry of each chain, the scope rule, flags marked),
kept by ``visit_tally``: per household, volunteer and local month, how many visits count,
how many are flagged, and how many recorded each need. A period is read as the tallies of
its months, with the days of an edge month it leaves out taken away (or, when it holds
fewer of them, that month's days read from the visits instead: ``pieces``). These are
grouped per household (and per author's team, for rows per team): a household counts (户)
when its visits add up to one or more, for a need when one of them recorded it. Only those
groups are joined to their place and grouped again per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from server import scope
from server.actor import Actor
from server.db import fetch
from server.entries.kinds import visit_tally
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
from server.reports.period import Bucket, Period

SUPERSEDED_IDS = f'SELECT id FROM "{ENTRY}" WHERE superseded_by IS NOT NULL'
"""Entries replaced or voided by a correction: ``chains.latest`` the other way round."""
FLAGGED_IDS = f"SELECT id FROM \"{ENTRY}\" WHERE flag > '' OR status = 'conflict'"
"""Flagged entries (``flag > ''`` is ``flag <> ''``, in a form an index answers)."""

TOTAL = -1
"""The row key of the total (0 is the row of records under no row's area or team)."""
_MARKS = list(visit_tally.MARKS)
TALLY = visit_tally.VisitTally._meta.tablename
_VALUES = ["visits", "flagged", *(c for m in _MARKS for c in (m, f"{m}_f"))]
"""The columns of a tally row, and of the visits read beside the tallies."""


def _raw(sign: int, cuts: int) -> str:
    """The visits of one stretch of days (``{}`` its bounds) as tally rows of their own,
    added (``sign`` 1) or taken away (-1)."""
    marks = ", ".join(
        f"{sign} * CASE WHEN {cond} THEN 1 ELSE 0 END AS {m}, "
        f"{sign} * CASE WHEN {cond} AND v.fl = 1 THEN 1 ELSE 0 END AS {m}_f"
        for m, cond in visit_tally.MARKS.items()
    )
    before = "".join(
        f", CASE WHEN v.visited_at < {{}} THEN {sign} ELSE 0 END AS c{n}" for n in range(cuts)
    )
    return (
        f"SELECT v.household AS household, v.volunteer AS volunteer, {sign} AS visits, "
        f"{sign} * v.fl AS flagged, {marks}{before} FROM (SELECT x.*, "
        f"CASE WHEN x.entry IN ({FLAGGED_IDS}) THEN 1 ELSE 0 END AS fl "
        f'FROM "{VISIT}" x WHERE x.entry NOT IN ({SUPERSEDED_IDS}) '
        "AND x.visited_at >= {} AND x.visited_at < {}) v"
    )


def _tallied(cuts: int) -> str:
    """The tallies of the months ``{}`` to ``{}`` (``YYYYMM``), visits before each cut's month."""
    before = "".join(
        f", CASE WHEN t.month < {{}} THEN t.visits ELSE 0 END AS c{n}" for n in range(cuts)
    )
    values = ", ".join(f"t.{c} AS {c}" for c in _VALUES)
    return (
        f"SELECT t.household AS household, t.volunteer AS volunteer, {values}{before} "
        f'FROM "{TALLY}" t WHERE t.month >= {{}} AND t.month <= {{}}'
    )


def _per_household(grouping: Grouping, cuts: int, signs: list[int]) -> str:
    """Per household (and team): visits, flagged ones, which needs, and visits before each
    cut, summed from the months' tallies and the stretches of days read from the visits
    (each added or taken away, ``signs``)."""
    parts = [_tallied(cuts), *(_raw(sign, cuts) for sign in signs)]
    marks = ", ".join(
        f"CASE WHEN SUM(v.{m}) > 0 THEN 1 ELSE 0 END AS {m}, SUM(v.{m}_f) AS {m}__f" for m in _MARKS
    )
    before = "".join(f", SUM(v.c{n}) AS c{n}" for n in range(cuts))
    team, join, by = "0", "", ""
    if grouping.by == "team":
        team, join, by = "u.team", f'JOIN "{ACCOUNT}" u ON u.id = v.volunteer', ", u.team"
    return (
        f"SELECT v.household AS household, {team} AS team, SUM(v.visits) AS n, "
        f"SUM(v.flagged) AS f, {marks}{before} FROM ({' UNION ALL '.join(parts)}) v {join} "
        f"GROUP BY v.household{by}"
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
    def number(name: str) -> int:
        return int(row.get(name) or 0)

    cells = {
        "households_visited": Cell(number("households"), number("f")),
        "visits": Cell(number("n"), number("f")),
    }
    for name in _MARKS:
        cells[name] = Cell(number(name), number(f"{name}__f"))
    return cells


def _summed(found: list[dict[str, Any]]) -> dict[str, Any]:
    """The total row of rows that share no household: each number added up."""
    total: dict[str, Any] = {"row_key": TOTAL}
    for row in found:
        for name, value in row.items():
            if name != "row_key":
                total[name] = total.get(name, 0) + int(value or 0)
    return total


@dataclass(frozen=True)
class Pieces:
    """A period as whole months of tallies (``first`` to ``last``, ``YYYYMM``; none when
    first > last) and stretches of days read from the visits: ``(start, end, sign)``, added
    (1) or taken away (-1). An edge month is read from its days when the period holds fewer
    of its days than it leaves out, else tallied with the days left out taken away."""

    first: int
    last: int
    stretches: list[tuple[dt.datetime, dt.datetime, int]]


def pieces(period: Period) -> Pieces:
    """How ``period`` is counted (see ``Pieces``)."""
    instant = period._instant
    months: list[int] = []
    stretches: list[tuple[dt.datetime, dt.datetime, int]] = []
    day = period.first.replace(day=1)
    while day <= period.last:
        following = (day + dt.timedelta(days=32)).replace(day=1)
        start, end = max(day, period.first), min(following, period.last + dt.timedelta(days=1))
        inside, whole = (end - start).days, (following - day).days
        tallied = visit_tally.FIRST_YEAR <= day.year <= visit_tally.LAST_YEAR
        if tallied and inside == whole:
            months.append(visit_tally.month_key(day))
        elif not tallied or inside <= whole - inside:
            stretches.append((instant(start), instant(end), 1))
        else:
            months.append(visit_tally.month_key(day))
            if start > day:
                stretches.append((instant(day), instant(start), -1))
            if end < following:
                stretches.append((instant(end), instant(following), -1))
        day = following
    if not months:
        return Pieces(1, 0, stretches)
    return Pieces(months[0], months[-1], stretches)


async def visits(
    actor: Actor, grouping: Grouping, period: Period, buckets: list[Bucket]
) -> tuple[dict[int, Cells], Cells, list[int]]:
    """Visit counts per row, in all, and visits (户次) in each bucket of ``buckets``."""
    cuts = period.starts(buckets)
    monthly = all(c.day == 1 for c in (b.first for b in buckets[1:]))
    counted = pieces(period)
    key, key_args = grouping.key("a.path", "p.team")
    own, own_args = scope.area_sql(actor, "a.path")
    chosen, chosen_args = await scope.place_sql(actor, "a.path", grouping.place)
    n = len(cuts) if monthly else 0
    signs = [sign for _, _, sign in counted.stretches]
    # A household's visits may all lie in days taken away from its months (``n`` 0).
    # Rows per area share no household, so the total is their sum; rows per team may (a
    # household visited by two teams counts once in all), so it is counted again as a whole.
    total_sql = (
        f" UNION ALL SELECT {TOTAL} AS row_key, {_sums(n)} FROM ({_merged(n)}) t"
        if grouping.by == "team"
        else ""
    )
    sql = (
        f"WITH per AS MATERIALIZED ({_per_household(grouping, n, signs)}), "
        f"placed AS MATERIALIZED (SELECT p.*, {key} AS row_key FROM per p "
        f'JOIN "{HOUSEHOLD}" h ON h.id = p.household JOIN "{AREA}" a ON a.id = h.village '
        f"WHERE p.n > 0 AND {own} AND {chosen}) "
        f"SELECT row_key, {_sums(n)} FROM placed GROUP BY row_key{total_sql}"
    )
    cut_months = [visit_tally.month_key(b.first) for b in buckets[1:]] if monthly else []
    args: list[Any] = [*cut_months, counted.first, counted.last]
    for start, end, _ in counted.stretches:
        args += [*(cuts if monthly else []), start, end]
    args += [*key_args, *own_args, *chosen_args]
    rows: dict[int, Cells] = {}
    total: Cells = {}
    before: list[int] = []
    found = await fetch(sql, *args)
    if grouping.by != "team":
        found.append(_summed(found))
    for row in found:
        if int(row["row_key"]) != TOTAL:
            rows[int(row["row_key"])] = _cells(row)
            continue
        total = _cells(row)
        before = [int(row.get(f"c{k}") or 0) for k in range(n)]
    if not monthly:
        before = await _weekly(actor, grouping, period, cuts)
    before.append(int(total["visits"].value) if total else 0)
    over_time = [b - a for a, b in zip([0, *before[:-1]], before, strict=True)]
    return rows, total, over_time


async def _weekly(actor: Actor, grouping: Grouping, period: Period, cuts: list) -> list[int]:
    """Visits before each cut of a short period's weeks, read from the visits themselves."""
    own, own_args = scope.area_sql(actor, "a.path")
    chosen, chosen_args = await scope.place_sql(actor, "a.path", grouping.place)
    before = ", ".join(
        f"SUM(CASE WHEN v.visited_at < {{}} THEN 1 ELSE 0 END) AS c{n}" for n in range(len(cuts))
    )
    if not cuts:
        return []
    sql = (
        f'SELECT {before} FROM "{VISIT}" v JOIN "{HOUSEHOLD}" h ON h.id = v.household '
        f'JOIN "{AREA}" a ON a.id = h.village WHERE v.entry NOT IN ({SUPERSEDED_IDS}) '
        f"AND v.visited_at >= {{}} AND v.visited_at < {{}} AND {own} AND {chosen}"
    )
    found = await fetch(sql, *cuts, period.start, period.end, *own_args, *chosen_args)
    return [int(found[0][f"c{n}"] or 0) for n in range(len(cuts))]

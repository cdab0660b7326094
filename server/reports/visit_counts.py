"""The visit counts of ``counting``, read from the visits' tallies (the visits are by far
the largest table: a million rows in an area of 100,000 households).

The rules are ``counting``'s (latest entry of each chain, the scope rule, flags marked),
kept by ``visit_tally``: per household, volunteer and local month (and year), how many
visits count, how many are flagged, and how many recorded each need. A period is read as
the rows of its years or months, with the months and days it leaves out taken away, and the
days of an edge month read from the visits where that reads fewer of them (``pieces``).
These are joined to their place (the scope rule) and summed per household (and per author's
team, for rows per team): a household counts (户) when its visits add up to one or more,
for a need when one of them recorded it; those are grouped again per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from server import scope
from server.actor import Actor, now
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


def _tallied(sign: int, spans: int, cut_months: list[int]) -> str:
    """The tally rows whose ``month`` lies in one of ``spans`` ranges (``{}`` to ``{}``),
    added (``sign`` 1) or taken away (-1), with their visits before each cut's month
    (``YYYYMM``): a row of an earlier year all of them, a row of the cut's year those of its
    months before the cut's (a month's row has its visits in its own month's column)."""
    before = ""
    for n, cut in enumerate(cut_months):
        year, month = cut // 100 * 100, cut % 100
        earlier = "+".join(f"t.{m}" for m in visit_tally.MONTHS[: month - 1])
        within = f" WHEN t.month < {year + 100} THEN {earlier}" if earlier else ""
        before += f", {sign} * CASE WHEN t.month < {year} THEN t.visits{within} ELSE 0 END AS c{n}"
    values = ", ".join(f"{sign} * t.{c} AS {c}" for c in _VALUES)
    months = " OR ".join(["t.month BETWEEN {} AND {}"] * spans)
    return (
        f"SELECT t.household AS household, t.volunteer AS volunteer, {values}{before} "
        f'FROM "{TALLY}" t WHERE ({months})'
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


Stretch = tuple[dt.datetime, dt.datetime, int]


@dataclass(frozen=True)
class Pieces:
    """A period as tally rows and stretches of days read from the visits, each added (1)
    or taken away (-1): ``spans`` of ``month`` keys ``(first, last, sign)`` (a year's row
    ``YYYY00``, or months ``YYYYMM``) and ``stretches`` ``(start, end, sign)`` (UTC)."""

    spans: list[tuple[int, int, int]]
    stretches: list[Stretch]


def _merge(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Neighbouring months of one year and one sign as one span."""
    merged: list[tuple[int, int, int]] = []
    for first, last, sign in spans:
        if merged:
            before_first, before_last, before_sign = merged[-1]
            if (
                before_sign == sign
                and before_last % 100 != 0
                and first % 100 != 0
                and before_last + 1 == first
            ):
                merged[-1] = (before_first, last, sign)
                continue
        merged.append((first, last, sign))
    return merged


def pieces(period: Period, today: dt.date | None = None) -> Pieces:
    """How ``period`` is counted, reading as few visits as it can: a year of which the
    period holds more days than it leaves out is its year's row with what it leaves out
    taken away, any other year its months' rows; a month the period holds in part is its
    days read from the visits, or its month's row with the days left out taken away,
    whichever reads fewer days. Days after ``today`` hold no visits yet, so they cost
    nothing to read."""

    def held(start: dt.date, end: dt.date) -> int:
        if today is not None:
            end = min(end, today + dt.timedelta(days=1))
        return max((end - start).days, 0)

    instant = period._instant
    spans: list[tuple[int, int, int]] = []
    stretches: list[Stretch] = []
    after = period.last + dt.timedelta(days=1)
    for year in range(period.first.year, period.last.year + 1):
        year_start, year_end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        start, end = max(year_start, period.first), min(year_end, after)
        if not visit_tally.FIRST_YEAR <= year <= visit_tally.LAST_YEAR:
            stretches.append((instant(start), instant(end), 1))
            continue
        if (start, end) == (year_start, year_end):
            spans.append((visit_tally.year_key(year), visit_tally.year_key(year), 1))
            continue
        inside = held(start, end)
        base = 1 if inside > held(year_start, year_end) - inside else 0
        if base:
            spans.append((visit_tally.year_key(year), visit_tally.year_key(year), 1))
        for month in range(1, 13):
            month_start = dt.date(year, month, 1)
            month_end = (month_start + dt.timedelta(days=32)).replace(day=1)
            key = visit_tally.month_key(month_start)
            first, last = max(month_start, start), min(month_end, end)
            if first >= last:
                if base:
                    spans.append((key, key, -1))
                continue
            if (first, last) == (month_start, month_end):
                if not base:
                    spans.append((key, key, 1))
                continue
            left_out = [(a, b) for a, b in ((month_start, first), (last, month_end)) if a < b]
            read_in = held(first, last) + 0.5 * base
            read_out = sum(held(a, b) for a, b in left_out) + 0.5 * (1 - base)
            if read_in <= read_out:
                if base:
                    spans.append((key, key, -1))
                stretches.append((instant(first), instant(last), 1))
            else:
                if not base:
                    spans.append((key, key, 1))
                stretches += [(instant(a), instant(b), -1) for a, b in left_out]
    return Pieces(_merge(spans), stretches)


def _parts(counted: Pieces, cut_months: list[int], cuts: list[dt.datetime]) -> tuple[str, list]:
    """The rows of ``counted`` as one relation (tally rows and visits, signed), with their
    visits before each cut when ``cuts`` are given; its arguments."""
    parts: list[str] = []
    args: list[Any] = []
    for sign in (1, -1):
        spans = [(a, b) for a, b, s in counted.spans if s == sign]
        if spans:
            parts.append(_tallied(sign, len(spans), cut_months))
            args += [k for span in spans for k in span]
    for start, end, sign in counted.stretches:
        parts.append(_raw(sign, len(cuts)))
        args += [*cuts, start, end]
    return " UNION ALL ".join(parts), args


async def visits(
    actor: Actor, grouping: Grouping, period: Period, buckets: list[Bucket]
) -> tuple[dict[int, Cells], Cells, list[int]]:
    """Visit counts per row, in all, and visits (户次) in each bucket of ``buckets``.

    Two statements: the sums (visits, flagged ones, visits before each cut), added up per
    row straight from the rows of the period, and the households (户, and 户 per need),
    which need each household's rows summed first. Rows per area share no household, so
    the total is their sum; rows per team may (a household visited by two teams counts once
    in all), so its households are counted again as a whole."""
    cuts = period.starts(buckets)
    monthly = all(c.day == 1 for c in (b.first for b in buckets[1:]))
    counted = pieces(period, now().astimezone(period.zone).date())
    if not counted.spans and not counted.stretches:
        return {}, _cells({}), [0] * len(buckets)
    key, key_args = grouping.key("a.path", "u.team")
    own, own_args = scope.area_sql(actor, "a.path")
    chosen, chosen_args = await scope.place_sql(actor, "a.path", grouping.place)
    by_team = grouping.by == "team"
    n = len(cuts) if monthly else 0
    cut_months = [visit_tally.month_key(b.first) for b in buckets[1:]] if monthly else []

    # The places counted, each with its row, made once (not once per joined row); the rows
    # are grouped by ``h.id``, whose statistics tell the planner how many households there
    # are (it cannot know of the signed rows' own column).
    area_key = "" if by_team else f", {key} AS row_key"
    place = (
        f'WITH place AS MATERIALIZED (SELECT a.id AS id{area_key} FROM "{AREA}" a '
        f"WHERE {own} AND {chosen}) "
    )
    place_args = [*([] if by_team else key_args), *own_args, *chosen_args]
    join = f'JOIN "{HOUSEHOLD}" h ON h.id = v.household JOIN place a ON a.id = h.village'
    team = f' JOIN "{ACCOUNT}" u ON u.id = v.volunteer' if by_team else ""
    row_key = key if by_team else "a.row_key"
    parts, parts_args = _parts(counted, cut_months, cuts if monthly else [])
    flagged = "".join(f", SUM(v.{m}_f) AS {m}__f" for m in _MARKS)
    before = "".join(f", SUM(v.c{k}) AS c{k}" for k in range(n))
    sums = await fetch(
        f"{place}SELECT {row_key} AS row_key, SUM(v.visits) AS n, SUM(v.flagged) AS f"
        f"{flagged}{before} FROM ({parts}) v {join}{team} GROUP BY {row_key}",
        *place_args,
        *parts_args,
    )
    parts, parts_args = _parts(counted, [], [])
    per = "".join(f", SUM(v.{m}) AS {m}" for m in _MARKS)
    marked = "".join(f", SUM(CASE WHEN x.{m} > 0 THEN 1 ELSE 0 END) AS {m}" for m in _MARKS)

    per_key = f"{key} AS row_key" if by_team else "MIN(a.row_key) AS row_key"
    group = ", u.team" if by_team else ""
    grouped = (
        f"SELECT h.id AS household, {per_key}, SUM(v.visits) AS n{per} "
        f"FROM ({parts}) v {join}{team} GROUP BY h.id{group}"
    )
    if by_team:
        # Each household's groups per team, summed again per household for the total (a
        # group's counts are never below 0, so a household counts when any group does).
        summed = "".join(f", SUM(p.{m}) AS {m}" for m in _MARKS)
        counted_sql = (
            f"{place}, per AS MATERIALIZED ({grouped}) "
            f"SELECT x.row_key AS row_key, COUNT(*) AS households{marked} FROM per x "
            f"WHERE x.n > 0 GROUP BY x.row_key UNION ALL "
            f"SELECT {TOTAL} AS row_key, COUNT(*) AS households{marked} FROM "
            f"(SELECT p.household AS household, SUM(p.n) AS n{summed} FROM per p "
            "GROUP BY p.household HAVING SUM(p.n) > 0) x"
        )
    else:
        counted_sql = (
            f"{place}SELECT x.row_key AS row_key, COUNT(*) AS households{marked} "
            f"FROM ({grouped} HAVING SUM(v.visits) > 0) x GROUP BY x.row_key"
        )
    counted_args = [*place_args, *parts_args]
    found = {int(r["row_key"]): dict(r) for r in await fetch(counted_sql, *counted_args)}
    total_sums = _summed(sums)
    if not by_team:
        found[TOTAL] = _summed(list(found.values()))
    rows: dict[int, Cells] = {}
    for row in sums:
        if int(row["row_key"]) in found:
            rows[int(row["row_key"])] = _cells({**row, **found[int(row["row_key"])]})
    total = _cells({**total_sums, **found.get(TOTAL, {})})
    before_cuts = [int(total_sums.get(f"c{k}") or 0) for k in range(n)]
    if not monthly:
        before_cuts = await _weekly(actor, grouping, period, cuts)
    before_cuts.append(int(total["visits"].value))
    over_time = [b - a for a, b in zip([0, *before_cuts[:-1]], before_cuts, strict=True)]
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

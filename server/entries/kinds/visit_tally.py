"""What the dashboard and 户户走到 read instead of every visit: each household's visits
summed per volunteer and local month, and per volunteer and local year (``visit_tally``),
and its last visit that counts (``last_visit``).

Both are kept in the transaction that stores the visits. They are never added to or
taken from: whenever a batch touches a household's visits (a new visit, a correction's new
values, the entry a correction replaces or voids), that household's rows are made again
from its visits with the rules every count follows (``chains.latest``: only the latest
entry of a chain, nothing of a voided one; flagged entries marked). A household has a few
dozen visits, so this costs a few indexed reads per batch, and the summary can never
drift from the visits behind it.

Months are local months of ``Settings.time_zone``: ``tally_month`` holds each month's
bounds, made for the zone when the database is migrated; a changed zone (or a changed
layout of the rows, ``LAYOUT``) makes the months and every tally again (``ensure_zone``).

A year's row (``month`` ``YYYY00``) holds the sums of that year's month rows, and in
``m01``..``m12`` its visits per month (a month's row has its visits in its own month's
column): a period of most of a year reads one row per household and volunteer, and the
chart by month still finds each month's visits in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.columns import ForeignKey, Integer, Timestamptz
from piccolo.table import Table

from server.accounts.tables import Account
from server.db import fetch, insert_rows, is_sqlite, write_transaction
from server.entries.kinds.visit import NEED_AREAS, Visit
from server.entries.tables import Entry
from server.households.tables import Household
from server.system.tables import SystemValue

FIRST_YEAR, LAST_YEAR = 1970, 2199
"""The months ``tally_month`` holds (a period outside them is counted from the visits)."""
ZONE_KEY = "tally_zone"
LAYOUT = "months+years"
"""Stored beside the zone: a deployment whose tallies have another layout makes them again."""
MONTHS = [f"m{n:02d}" for n in range(1, 13)]
"""A row's visits in each month of its year."""

MARKS = {
    **{f"need_{k}": f"v.{k}_level <> 'none'" for k in NEED_AREAS},
    "urgent": "(" + " OR ".join(f"v.{k}_level = 'urgent'" for k in NEED_AREAS) + ")",
}
"""What a visit records that the dashboard counts households for (SQL over visit ``v``)."""
FLAGGED = "(e.flag <> '' OR e.status = 'conflict')"


class VisitTally(Table):
    """One household's counting visits by one volunteer in one local month."""

    household = ForeignKey(references=Household, index=True)
    volunteer = ForeignKey(references=Account)
    month = Integer(index=True)
    """``YYYYMM`` of the local month."""
    visits = Integer()
    flagged = Integer()
    need_health = Integer()
    need_health_f = Integer()
    need_training = Integer()
    need_training_f = Integer()
    need_livelihood = Integer()
    need_livelihood_f = Integer()
    need_work_school = Integer()
    need_work_school_f = Integer()
    urgent = Integer()
    """Visits recording an urgent need (any area)."""
    urgent_f = Integer()
    """Each ``*_f``: how many of those visits are flagged."""
    m01 = Integer(default=0)
    m02 = Integer(default=0)
    m03 = Integer(default=0)
    m04 = Integer(default=0)
    m05 = Integer(default=0)
    m06 = Integer(default=0)
    m07 = Integer(default=0)
    m08 = Integer(default=0)
    m09 = Integer(default=0)
    m10 = Integer(default=0)
    m11 = Integer(default=0)
    m12 = Integer(default=0)
    """``mNN``: the visits in month NN (a month's row: its visits, in its own month)."""


class LastVisit(Table):
    """A household's last visit that counts (none: never visited)."""

    household = ForeignKey(references=Household, unique=True)
    visited_at = Timestamptz()


class TallyMonth(Table):
    """A local month's bounds in UTC."""

    month = Integer(unique=True)
    starts = Timestamptz(index=True)
    ends = Timestamptz()


V, E, T, L, M = (t._meta.tablename for t in (Visit, Entry, VisitTally, LastVisit, TallyMonth))


def month_key(day: dt.date) -> int:
    """``YYYYMM`` of the month holding ``day``."""
    return day.year * 100 + day.month


def year_key(year: int) -> int:
    """The ``month`` of a year's row: ``YYYY00``."""
    return year * 100


def _month_starts(zone: ZoneInfo) -> list[dict[str, Any]]:
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            start = dt.datetime(year, month, 1, tzinfo=zone)
            following = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
            rows.append(
                {
                    "month": year * 100 + month,
                    "starts": start.astimezone(dt.UTC),
                    "ends": following.astimezone(dt.UTC),
                }
            )
    return rows


def _marks_sql() -> str:
    return ", ".join(
        f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {cond} AND v.fl = 1 THEN 1 ELSE 0 END)"
        for cond in MARKS.values()
    )


def _counting(households: str) -> str:
    """The visits that count (with ``fl``, flagged, and their local ``month``) of the
    households ``households`` picks. A visit's month is one walk down ``tally_month``'s
    index on ``starts``."""
    month = (
        f'(SELECT m.month FROM "{M}" m WHERE m.starts <= v.visited_at '
        "ORDER BY m.starts DESC LIMIT 1)"
    )
    return (
        f"SELECT v.*, CASE WHEN {FLAGGED} THEN 1 ELSE 0 END AS fl, {month} AS month "
        f'FROM "{V}" v JOIN "{E}" e ON e.id = v.entry '
        f"WHERE e.superseded_by IS NULL{households}"
    )


SUMMED = ["visits", "flagged", *(c for m in MARKS for c in (m, f"{m}_f")), *MONTHS]
"""The columns of a row that a year's row sums from its months."""


async def _make(households: str, args: list[Any]) -> None:
    columns = ", ".join(SUMMED)
    per_month = ", ".join(
        f"CASE WHEN v.month % 100 = {n} THEN COUNT(*) ELSE 0 END" for n in range(1, 13)
    )
    await fetch(
        f'INSERT INTO "{T}" (household, volunteer, month, {columns}) '
        f"SELECT v.household, v.volunteer, v.month, COUNT(*), SUM(v.fl), {_marks_sql()}, "
        f"{per_month} FROM ({_counting(households)}) v WHERE v.month IS NOT NULL "
        "GROUP BY v.household, v.volunteer, v.month",
        *args,
    )
    sums = ", ".join(f"SUM(v.{c})" for c in SUMMED)
    await fetch(
        f'INSERT INTO "{T}" (household, volunteer, month, {columns}) '
        f"SELECT v.household, v.volunteer, v.month / 100 * 100, {sums} "
        f'FROM "{T}" v WHERE v.month % 100 <> 0{households} '
        "GROUP BY v.household, v.volunteer, v.month / 100",
        *args,
    )
    await fetch(
        f'INSERT INTO "{L}" (household, visited_at) '
        f"SELECT v.household, MAX(v.visited_at) FROM ({_counting(households)}) v "
        "GROUP BY v.household",
        *args,
    )


async def refresh(households: Iterable[int]) -> None:
    """Make the rows of ``households`` again from their visits (in the caller's
    transaction)."""
    ids = sorted(set(households))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("{}" for _ in chunk)
        if not is_sqlite():
            # Two batches touching one household take turns (SQLite has one writer): the
            # second then makes its rows from the visits the first committed.
            await fetch(
                "SELECT pg_advisory_xact_lock(8031, k.id) FROM (SELECT unnest({}::int[]) AS id "
                "ORDER BY 1) k",
                chunk,
            )
        await fetch(f'DELETE FROM "{T}" WHERE household IN ({marks})', *chunk)
        await fetch(f'DELETE FROM "{L}" WHERE household IN ({marks})', *chunk)
        await _make(f" AND v.household IN ({marks})", chunk)


async def refresh_entries(entry_ids: Iterable[Any]) -> None:
    """Make again the rows of the households whose visits ``entry_ids`` wrote."""
    ids = list({str(i) for i in entry_ids if i is not None})
    households: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = await Visit.select(Visit.household).where(Visit.entry.is_in(chunk))
        households |= {r["household"] for r in found}
    await refresh(households)


async def rebuild(zone: str) -> None:
    """The months of ``zone`` and every household's rows, made again (in the caller's
    transaction)."""
    await fetch(f'DELETE FROM "{M}"')
    await insert_rows(TallyMonth, _month_starts(ZoneInfo(zone)))
    await fetch(f'DELETE FROM "{T}"')
    await fetch(f'DELETE FROM "{L}"')
    await _make("", [])


async def ensure_zone(zone: str) -> None:
    """Months and tallies made for ``zone``: at once after the tables are created, and
    again when the deployment's time zone changed (``doorstep migrate`` and ``serve`` run
    it after the migrations), and once more when the rows' ``LAYOUT`` changed."""
    made_for = f"{zone} {LAYOUT}"
    row = await SystemValue.select(SystemValue.value).where(SystemValue.key == ZONE_KEY).first()
    if row is not None and row["value"] == made_for:
        return
    async with write_transaction():
        await rebuild(zone)
        await SystemValue.delete().where(SystemValue.key == ZONE_KEY)
        await SystemValue.insert(SystemValue(key=ZONE_KEY, value=made_for))

"""Attendance and service hours read from the stored marks (``check_in`` / ``check_out``
rows) and coordinators' changes, counted by ``hours``. Nothing here trusts a count a phone
made: the database holds the marks, the rules turn them into minutes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from server.activities.tables import Activity
from server.attendance import hours
from server.attendance.tables import AttendanceChange
from server.entries import chains
from server.entries.kinds.check_in import CheckIn
from server.entries.kinds.check_out import CheckOut

DIRECTIONS = ((CheckIn, "in"), (CheckOut, "out"))


def span_of(row: dict[str, Any]) -> hours.Span:
    """An activity row as the rules see it."""
    return hours.Span(
        row["id"],
        row["starts_at"],
        row["ends_at"],
        held=row["status"] == "planned",
        service=row["counts_as_service"],
    )


async def _spans(where: Any) -> dict[int, hours.Span]:
    rows = await Activity.select(
        Activity.id,
        Activity.starts_at,
        Activity.ends_at,
        Activity.status,
        Activity.counts_as_service,
    ).where(where)
    return {r["id"]: span_of(r) for r in rows}


async def spans(activity_ids: list[int]) -> dict[int, hours.Span]:
    """The activities ``activity_ids`` as the rules see them."""
    return await _spans(Activity.id.is_in(activity_ids or [-1]))


async def marks(where_in: Any, where_out: Any) -> tuple[list[hours.Mark], dict[str, str]]:
    """The stored marks matching the clauses (one per table), and each mark's flags: only
    the latest entry of each correction chain, nothing of a voided one."""
    found: list[hours.Mark] = []
    flags: dict[str, str] = {}
    for (table, direction), where in zip(DIRECTIONS, (where_in, where_out), strict=True):
        rows = await table.select(
            table.entry, table.person, table.activity, table.at, table.entry.flag
        ).where(where & chains.latest(table.entry))
        for r in rows:
            entry = str(r["entry"])
            found.append(hours.Mark(r["person"], r["activity"], r["at"], direction, entry))
            if r["entry.flag"]:
                flags[entry] = r["entry.flag"]
    return found, flags


async def changes(where: Any) -> list[hours.Adjustment]:
    """Coordinators' changes as the rules take them: per person and activity, the latest
    verified minutes and confirmation stand, make-up minutes add up."""
    rows = await AttendanceChange.select().where(where).order_by(AttendanceChange.id)
    merged: dict[tuple[int, int], dict[str, Any]] = defaultdict(
        lambda: {"verified": None, "makeup": 0, "confirmed": False}
    )
    for r in rows:
        state = merged[(r["person"], r["activity"])]
        if r["verified_minutes"] is not None:
            state["verified"] = r["verified_minutes"]
        state["makeup"] += r["makeup_minutes"]
        state["confirmed"] |= r["confirmed"]
    return [
        hours.Adjustment(person, activity, s["verified"], s["makeup"], s["confirmed"])
        for (person, activity), s in merged.items()
    ]


def _year_bounds(year: int, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, 1, 1, tzinfo=zone)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=zone)


async def person_year(
    person_id: int, year: int, zone: ZoneInfo
) -> tuple[hours.Totals, list[hours.Attendance], dict[int, hours.Span]]:
    """A person's service in ``year`` (activities starting in it, local time)."""
    start, end = _year_bounds(year, zone)
    spans = await _spans((Activity.starts_at >= start) & (Activity.starts_at < end))
    ids = sorted(spans) or [-1]
    found, _ = await marks(
        (CheckIn.person == person_id) & CheckIn.activity.is_in(ids),
        (CheckOut.person == person_id) & CheckOut.activity.is_in(ids),
    )
    adjustments = await changes(
        (AttendanceChange.person == person_id) & AttendanceChange.activity.is_in(ids)
    )
    counted = hours.attendances(spans, found, zone, adjustments)
    # A person's other activities the same day decide which pairs count: read them too.
    return hours.totals(spans, counted), counted, spans


async def activity_attendance(
    activity_id: int, zone: ZoneInfo
) -> tuple[hours.Span | None, list[hours.Attendance], dict[str, str]]:
    """Everyone's attendance at one activity, with the flags of their marks.

    The day's limit of pairs is judged over each attendee's whole day, so the marks of
    their other activities that day are read as well."""
    spans = await _spans(Activity.id == activity_id)
    span = spans.get(activity_id)
    if span is None:
        return None, [], {}
    own, _ = await marks(CheckIn.activity == activity_id, CheckOut.activity == activity_id)
    people = sorted({m.person_id for m in own}) or [-1]
    day = hours.local_date(span.starts_at, zone)
    begin = dt.datetime.combine(day, dt.time(), zone) - dt.timedelta(days=1)
    nearby = await _spans(
        (Activity.starts_at >= begin) & (Activity.starts_at < begin + dt.timedelta(days=3))
    )
    spans.update(nearby)
    ids = sorted(spans)
    found, flags = await marks(
        CheckIn.person.is_in(people) & CheckIn.activity.is_in(ids),
        CheckOut.person.is_in(people) & CheckOut.activity.is_in(ids),
    )
    adjustments = await changes(AttendanceChange.activity == activity_id)
    counted = hours.attendances(spans, found, zone, adjustments)
    return span, [a for a in counted if a.activity_id == activity_id], flags


async def titles(activity_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Title, place and start of each activity (what a service record names)."""
    if not activity_ids:
        return {}
    rows = await Activity.select(
        Activity.id, Activity.title, Activity.place, Activity.starts_at, Activity.organiser
    ).where(Activity.id.is_in(activity_ids))
    return {r["id"]: r for r in rows}

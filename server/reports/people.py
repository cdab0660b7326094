"""The dashboard's counts of attendance and service time: 人, 人次 and 服务时长.

Service time is not re-derived here: the marks are read by ``attendance.service`` (only
the latest entry of each correction chain) and turned into minutes by
``attendance.hours``, the rules' one home (clipping to the activity, duplicate check-ins,
the day's limit, make-up time apart). What this module adds is which activities and
people a report covers (the scope rule, in SQL) and the sums per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from server import scope
from server.accounts.tables import Account
from server.activities.tables import Activity
from server.actor import Actor
from server.attendance import hours
from server.attendance import service as attendance
from server.attendance.tables import AttendanceChange
from server.db import fetch
from server.entries.kinds.check_in import CheckIn
from server.entries.kinds.check_out import CheckOut
from server.reports.counting import ACCOUNT, ACTIVITY, AREA, REST, TEAM, Cell, Cells, Grouping
from server.reports.period import Period


async def _keyed(
    actor: Actor, grouping: Grouping, tables: str, team: str, when: str, args: list[Any]
) -> dict[int, int]:
    """Record id -> row, for the records of ``tables`` (alias ``a``: their area) in the
    actor's areas under the chosen area that match ``when``."""
    key, key_args = grouping.key("a.path", team)
    own, own_args = scope.area_sql(actor, "a.path")
    chosen, chosen_args = await scope.place_sql(actor, "a.path", grouping.place)
    sql = f"SELECT x.id AS id, {key} AS row_key FROM {tables} WHERE {own} AND {chosen} AND {when}"
    rows = await fetch(sql, *key_args, *own_args, *chosen_args, *args)
    return {r["id"]: int(r["row_key"]) for r in rows}


async def _counted(activity_ids: list[int], zone: ZoneInfo, people: list[int] | None = None):
    """Every attendance at those activities (of those people), by the hours rules, and the
    entry ids of flagged marks."""
    spans = await attendance.spans(activity_ids)
    ids = sorted(spans) or [-1]
    where_in, where_out = CheckIn.activity.is_in(ids), CheckOut.activity.is_in(ids)
    if people is not None:
        where_in &= CheckIn.person.is_in(people or [-1])
        where_out &= CheckOut.person.is_in(people or [-1])
    found, flags = await attendance.marks(where_in, where_out)
    changed = AttendanceChange.activity.is_in(ids)
    if people is not None:
        changed &= AttendanceChange.person.is_in(people or [-1])
    adjustments = await attendance.changes(changed)
    flagged = {(m.person_id, m.activity_id) for m in found if m.entry_id in flags}
    return spans, hours.attendances(spans, found, zone, adjustments), flagged


async def attendance_counts(
    actor: Actor, grouping: Grouping, period: Period
) -> tuple[dict[int, Cells], Cells]:
    """人, 人次 and service minutes (verified, make-up) at activities that started in the
    period: per row (the activity's area, or the person's team) and in all."""
    activities = await _keyed(
        actor,
        grouping,
        f'"{ACTIVITY}" x JOIN "{AREA}" a ON a.id = x.area',
        "x.team",
        "x.starts_at >= {} AND x.starts_at < {}",
        [period.start, period.end],
    )
    spans, found, flagged = await _counted(sorted(activities), period.zone)
    teams = await _teams({a.person_id for a in found}) if grouping.by == "team" else {}
    per_row: dict[int, list[hours.Attendance]] = defaultdict(list)
    for a in found:
        row = (
            (teams.get(a.person_id) or REST) if grouping.by == "team" else activities[a.activity_id]
        )
        per_row[row].append(a)
    rows = {row: _cells(own, spans, flagged) for row, own in per_row.items()}
    return rows, _cells(found, spans, flagged)


def _cells(found: list[hours.Attendance], spans: dict[int, hours.Span], flagged: set) -> Cells:
    marked = sum(1 for a in found if (a.person_id, a.activity_id) in flagged)
    people = {a.person_id for a in found}
    marked_people = {a.person_id for a in found if (a.person_id, a.activity_id) in flagged}
    totals = hours.totals(spans, found)
    return {
        "attendance_people": Cell(len(people), len(marked_people)),
        "attendance_times": Cell(len(found), marked),
        "hours_verified": Cell(totals.verified_minutes, marked),
        "hours_makeup": Cell(totals.makeup_minutes, 0),
    }


async def _teams(people: set[int]) -> dict[int, int | None]:
    rows = await Account.select(Account.id, Account.team).where(
        Account.id.is_in(sorted(people) or [-1])
    )
    return {r["id"]: r["team"] for r in rows}


async def over_target(
    actor: Actor, grouping: Grouping, period: Period
) -> tuple[dict[int, Cells], Cells]:
    """Registered volunteers (active, of the teams here) with at least 20 service hours
    in the year the period ends in, wherever they served: per row (their team's area, or
    their team) and in all."""
    volunteers = await _volunteers(actor, grouping)
    minutes = await _year_minutes(volunteers, period)
    rows: dict[int, Cells] = defaultdict(lambda: {"volunteers_20h": Cell()})
    reached = [p for p, m in minutes.items() if m >= hours.YEAR_TARGET_MINUTES]
    for person in reached:
        rows[volunteers[person]]["volunteers_20h"].value += 1
    return dict(rows), {"volunteers_20h": Cell(len(reached))}


async def _volunteers(actor: Actor, grouping: Grouping, until: Any = None) -> dict[int, int]:
    """Active volunteer and leader accounts of the teams here (made before ``until``): id ->
    row."""
    when, args = "x.role IN ('volunteer', 'leader') AND x.active = {}", [True]
    if until is not None:
        when, args = f"{when} AND x.created_at < {{}}", [True, until]
    return await _keyed(
        actor,
        grouping,
        f'"{ACCOUNT}" x JOIN "{TEAM}" t ON t.id = x.team JOIN "{AREA}" a ON a.id = t.area',
        "x.team",
        when,
        args,
    )


async def _year_minutes(volunteers: dict[int, int], period: Period) -> dict[int, int]:
    """Each of ``volunteers``' service minutes (verified and make-up) in the year the period
    ends in, wherever they served."""
    start = dt.datetime(period.last.year, 1, 1, tzinfo=period.zone)
    end = dt.datetime(period.last.year + 1, 1, 1, tzinfo=period.zone)
    year = await Activity.select(Activity.id).where(
        (Activity.starts_at >= start) & (Activity.starts_at < end)
    )
    spans, found, _ = await _counted([r["id"] for r in year], period.zone, sorted(volunteers))
    minutes: dict[int, int] = defaultdict(int)
    for a in found:
        if spans[a.activity_id].service:
            minutes[a.person_id] += a.minutes
    return minutes


async def registered(
    actor: Actor, place: int | None, team: int | None, period: Period, over_target: bool
) -> list[dict[str, Any]]:
    """The registered volunteers the dashboard counts under area ``place`` (of team
    ``team``) at the period's end, or (``over_target``) those of them with 20 service
    hours in its year, by name: ``id``, ``display_name``, ``team``, ``minutes`` (the
    year's; None when not asked)."""
    grouping = Grouping("area", place)
    volunteers = await _volunteers(actor, grouping, None if over_target else period.end)
    minutes = await _year_minutes(volunteers, period) if over_target else {}
    ids = [
        p for p in volunteers if not over_target or minutes.get(p, 0) >= hours.YEAR_TARGET_MINUTES
    ]
    rows = await Account.select(
        Account.id, Account.display_name, Account.team, Account.team.name
    ).where(Account.id.is_in(ids or [-1]))
    if team is not None:
        rows = [r for r in rows if r["team"] == team]
    return sorted(
        ({**r, "minutes": minutes.get(r["id"]) if over_target else None} for r in rows),
        key=lambda r: (r["team.name"] or "", r["display_name"], r["id"]),
    )


async def attendances(
    actor: Actor, place: int | None, team: int | None, period: Period
) -> list[dict[str, Any]]:
    """Every person-time (人次) the dashboard counts under area ``place`` (by the people of
    team ``team``) in ``period``, by date, activity and person: what its attendance and
    service-hours numbers link to. Each: ``person_id``, ``person``, ``activity``, ``title``,
    ``date``,
    ``verified_minutes``, ``makeup_minutes``, ``flagged``."""
    activities = await _keyed(
        actor,
        Grouping("area", place),
        f'"{ACTIVITY}" x JOIN "{AREA}" a ON a.id = x.area',
        "x.team",
        "x.starts_at >= {} AND x.starts_at < {}",
        [period.start, period.end],
    )
    _, found, flagged = await _counted(sorted(activities), period.zone)
    if team is not None:
        teams = await _teams({a.person_id for a in found})
        found = [a for a in found if teams.get(a.person_id) == team]
    names = await Account.select(Account.id, Account.display_name).where(
        Account.id.is_in(sorted({a.person_id for a in found}) or [-1])
    )
    titles = await Activity.select(Activity.id, Activity.title).where(
        Activity.id.is_in(sorted({a.activity_id for a in found}) or [-1])
    )
    name_of = {r["id"]: r["display_name"] for r in names}
    title_of = {r["id"]: r["title"] for r in titles}
    return [
        {
            "person_id": a.person_id,
            "person": name_of.get(a.person_id, ""),
            "activity": a.activity_id,
            "title": title_of.get(a.activity_id, ""),
            "date": a.date,
            "verified_minutes": a.verified_minutes,
            "makeup_minutes": a.makeup_minutes,
            "flagged": (a.person_id, a.activity_id) in flagged,
        }
        for a in sorted(found, key=lambda a: (a.date, a.activity_id, a.person_id))
    ]

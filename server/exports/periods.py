"""The period a report covers: this month, last month, this year, or a range of dates,
as local days (``TIME_ZONE``) turned into a UTC span."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from server.actor import Actor
from server.i18n import N_

PERIODS = ("this_month", "last_month", "this_year", "range")
LONGEST = 3660
"""Days a range may span (ten years)."""
MESSAGES = {
    "period_unknown": N_("Choose a period: this month, last month, this year or a range."),
    "date_invalid": N_("Give both dates of the range as dates (YYYY-MM-DD)."),
    "range_reversed": N_("The range ends before it starts: swap the dates."),
    "range_too_long": N_("A range may span at most ten years."),
}
"""Refusals (msgids) by their stable code."""


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` (inclusive) and the UTC span they cover."""

    name: str
    first: dt.date
    last: dt.date
    start: dt.datetime
    end: dt.datetime
    """Exclusive: the start of the day after ``last``."""


def _date(value: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 else None


def _span(name: str, first: dt.date, last: dt.date, zone: ZoneInfo) -> Period:
    start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return Period(name, first, last, start, end)


def parse(name: str, since: str, until: str, zone: ZoneInfo, today: dt.date) -> Period | str:
    """The period asked for, or the code of why it cannot be read."""
    if name == "this_month":
        return _span(name, today.replace(day=1), today, zone)
    if name == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return _span(name, last.replace(day=1), last, zone)
    if name == "this_year":
        return _span(name, today.replace(month=1, day=1), today, zone)
    if name != "range":
        return "period_unknown"
    first, last = _date(since), _date(until)
    if first is None or last is None:
        return "date_invalid"
    if last < first:
        return "range_reversed"
    if (last - first).days >= LONGEST:
        return "range_too_long"
    return _span(name, first, last, zone)


@dataclass(frozen=True)
class Asked:
    """A report as asked for: by whom, for which period and area, read how."""

    actor: Actor
    period: Period
    place: int | None
    """An area id (county, township, village) within the actor's; None: all of them."""
    language: str
    zone: ZoneInfo
    names: tuple[tuple[str, str], ...] = ()
    """The service-hours column names (``Settings.service_hours_columns``)."""

"""The period a report counts: this month, last month, this year or a range of local dates.

Reports count an event on the local date (``TIME_ZONE``) it happened (DESIGN §2.2): a
period is a first and a last local day, turned into UTC instants for the queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from server.i18n import N_

PRESETS = ("this_month", "last_month", "this_year", "range")
LONGEST = dt.timedelta(days=5 * 366)
"""The longest range a report counts (its chart by month stays readable)."""
WEEKLY_UP_TO = 62
"""Periods up to this many days are charted by week, longer ones by month."""

MESSAGES = {
    "bad_date": N_("Enter the dates as year-month-day, e.g. 2026-12-01."),
    "range_reversed": N_("The first day must not be after the last day."),
    "range_too_long": N_("A report covers at most five years."),
}
"""Why a period was refused, by stable code."""


class PeriodError(ValueError):
    """A period the report cannot count, with a stable code (a key of ``MESSAGES``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        """The msgid a person reads."""
        return MESSAGES[self.code]


@dataclass(frozen=True)
class Bucket:
    """One bar of a chart over time: a week or a month of the period."""

    label: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last`` (inclusive) in ``zone``."""

    preset: str
    first: dt.date
    last: dt.date
    zone: ZoneInfo

    def _instant(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), self.zone).astimezone(dt.UTC)

    @property
    def start(self) -> dt.datetime:
        """The first moment counted (UTC)."""
        return self._instant(self.first)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period (UTC, exclusive)."""
        return self._instant(self.last + dt.timedelta(days=1))

    def starts(self, buckets: list[Bucket]) -> list[dt.datetime]:
        """The UTC instant each bucket after the first begins (the boundaries a query
        sorts events by)."""
        return [self._instant(b.first) for b in buckets[1:]]

    def buckets(self) -> list[Bucket]:
        """The period cut into weeks (Monday first) or months, clipped to the period."""
        if (self.last - self.first).days < WEEKLY_UP_TO:
            return self._weeks()
        return self._months()

    def _weeks(self) -> list[Bucket]:
        found, day = [], self.first
        while day <= self.last:
            end = min(day + dt.timedelta(days=6 - day.weekday()), self.last)
            found.append(Bucket(f"{day.month}/{day.day}", day, end))
            day = end + dt.timedelta(days=1)
        return found

    def _months(self) -> list[Bucket]:
        found, day = [], self.first
        while day <= self.last:
            following = _month_start(day.year, day.month + 1)
            end = min(following - dt.timedelta(days=1), self.last)
            found.append(Bucket(f"{day.year}-{day.month:02d}", day, end))
            day = following
        return found


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def _day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError("bad_date") from None
    if not 1900 <= day.year <= 2999:
        raise PeriodError("bad_date")
    return day


def parse(preset: str, since: str, until: str, today: dt.date, zone: ZoneInfo) -> Period:
    """The period a page asked for (``preset`` one of ``PRESETS``; ``since``/``until``
    ``YYYY-MM-DD`` for a range); this month when nothing is asked. Raises ``PeriodError``."""
    if preset not in PRESETS:
        preset = "range" if since or until else "this_month"
    if preset == "this_month":
        return Period(preset, today.replace(day=1), today, zone)
    if preset == "last_month":
        first = _month_start(today.year, today.month - 1)
        return Period(preset, first, today.replace(day=1) - dt.timedelta(days=1), zone)
    if preset == "this_year":
        return Period(preset, dt.date(today.year, 1, 1), today, zone)
    first, last = _day(since), _day(until)
    if first > last:
        raise PeriodError("range_reversed")
    if last - first > LONGEST:
        raise PeriodError("range_too_long")
    return Period(preset, first, last, zone)

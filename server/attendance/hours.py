"""服务时长: the counting rules for attendance and service hours, in one place.

The rules, as 《志愿服务记录与证明出具办法（试行）》 counts them (DESIGN §7):

- time served is the minutes between a check-in and the check-out after it, clipped to the
  activity's scheduled span: an early arrival counts from the start, a late check-out up to
  the end (travel is not counted);
- checking in again before checking out counts once (the first check-in stands); a second
  check-out after a pair moves its end (the later one stands);
- a check-in with no check-out counts to the scheduled end and is marked 未签退
  (``no_check_out``) for the leader to confirm or change;
- at most ``PAIRS_PER_DAY`` check-in/check-out pairs per person per local day count (the
  earliest); the others count nothing and are marked;
- an activity counts on the local date (``TIME_ZONE``) it started, even across midnight;
- an activity that did not take place counts nothing; one that is not volunteer service (a
  meeting, a training taken as a trainee) is attendance (人次) with no service time;
- verified time never exceeds the span; a coordinator's adjustment replaces it (still within
  the span), and 补录 (make-up) minutes are kept apart, verified plus make-up within the span.

The inputs are rows read from the database (``attendance.service``), never anything a phone
claims to have counted. Times are aware datetimes; ``at`` is the server's view of the
moment (the device time corrected by the device's measured clock offset).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

PAIRS_PER_DAY = 3
YEAR_TARGET_MINUTES = 20 * 60
"""20 hours a year: the mark of a registered Red Cross volunteer."""


@dataclass(frozen=True)
class Span:
    """An activity as the rules need it."""

    activity_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    held: bool = True
    """False when it was cancelled or did not take place."""
    service: bool = True
    """False when it does not count as volunteer service time."""

    @property
    def minutes(self) -> int:
        """The scheduled span in whole minutes."""
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


@dataclass(frozen=True)
class Mark:
    """One stored check-in (``in``) or check-out (``out``) of a person at an activity."""

    person_id: int
    activity_id: int
    at: dt.datetime
    direction: str
    entry_id: str = ""


@dataclass(frozen=True)
class Adjustment:
    """A coordinator's change to one person's attendance (audited where it is made)."""

    person_id: int
    activity_id: int
    verified_minutes: int | None = None
    """Replaces the verified minutes (clipped to the span); None leaves them."""
    makeup_minutes: int = 0
    """补录: minutes added apart from verified time."""
    confirmed: bool = False
    """The leader or coordinator confirmed a missing check-out's time."""


@dataclass
class Attendance:
    """One person at one activity: a person-time (人次) with its minutes."""

    person_id: int
    activity_id: int
    date: dt.date
    """The local date the activity started."""
    pairs: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)
    """The pairs that count (a None end: no check-out)."""
    verified_minutes: int = 0
    makeup_minutes: int = 0
    no_check_out: bool = False
    """未签退: a pair without a check-out, counted to the end and not yet confirmed."""
    uncounted: list[str] = field(default_factory=list)
    """Entry ids of pairs beyond the day's limit (their check-ins)."""

    @property
    def minutes(self) -> int:
        """Verified plus make-up minutes."""
        return self.verified_minutes + self.makeup_minutes


def local_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The local date of ``moment`` in ``zone``."""
    return moment.astimezone(zone).date()


def pairs_of(marks: list[Mark]) -> list[tuple[Mark, Mark | None]]:
    """One person's marks at one activity as check-in/check-out pairs, in time order."""
    pairs: list[tuple[Mark, Mark | None]] = []
    opened: Mark | None = None
    for mark in sorted(marks, key=lambda m: (m.at, m.direction != "in")):
        if mark.direction == "in":
            if opened is None:
                opened = mark
        elif opened is not None:
            pairs.append((opened, mark))
            opened = None
        elif pairs:
            pairs[-1] = (pairs[-1][0], mark)
    if opened is not None:
        pairs.append((opened, None))
    return pairs


def _seconds(span: Span, start: dt.datetime, end: dt.datetime | None) -> float:
    begin = max(start, span.starts_at)
    finish = min(end or span.ends_at, span.ends_at)
    return max(0.0, (finish - begin).total_seconds())


def attendances(
    spans: dict[int, Span],
    marks: list[Mark],
    zone: ZoneInfo,
    adjustments: list[Adjustment] = (),  # type: ignore[assignment]
) -> list[Attendance]:
    """Every person-time the marks and adjustments make, under the rules above."""
    grouped: dict[tuple[int, int], list[Mark]] = defaultdict(list)
    for mark in marks:
        span = spans.get(mark.activity_id)
        if span is not None and span.held:
            grouped[(mark.person_id, mark.activity_id)].append(mark)
    daily: dict[tuple[int, dt.date], list[tuple[Mark, Mark | None, int]]] = defaultdict(list)
    for (person, activity), own in grouped.items():
        day = local_date(spans[activity].starts_at, zone)
        daily[(person, day)] += [(start, end, activity) for start, end in pairs_of(own)]
    found: dict[tuple[int, int], Attendance] = {}
    for (person, day), pairs in daily.items():
        pairs.sort(key=lambda p: p[0].at)
        for index, (start, end, activity) in enumerate(pairs):
            attendance = found.setdefault((person, activity), Attendance(person, activity, day))
            if index >= PAIRS_PER_DAY:
                attendance.uncounted.append(start.entry_id)
                continue
            attendance.pairs.append((start.at, end.at if end else None))
            attendance.no_check_out |= end is None
    for attendance in found.values():
        span = spans[attendance.activity_id]
        seconds = sum(_seconds(span, start, end) for start, end in attendance.pairs)
        attendance.verified_minutes = min(int(seconds // 60), span.minutes)
    _adjust(spans, found, adjustments, zone)
    kept = [a for a in found.values() if a.pairs or a.makeup_minutes or a.verified_minutes]
    for attendance in kept:
        if not spans[attendance.activity_id].service:
            attendance.verified_minutes = attendance.makeup_minutes = 0
    return sorted(kept, key=lambda a: (a.date, a.activity_id, a.person_id))


def _adjust(
    spans: dict[int, Span],
    found: dict[tuple[int, int], Attendance],
    adjustments: list[Adjustment],
    zone: ZoneInfo,
) -> None:
    for adjustment in adjustments:
        span = spans.get(adjustment.activity_id)
        if span is None or not span.held:
            continue
        key = (adjustment.person_id, adjustment.activity_id)
        attendance = found.setdefault(
            key,
            Attendance(
                adjustment.person_id, adjustment.activity_id, local_date(span.starts_at, zone)
            ),
        )
        if adjustment.verified_minutes is not None:
            attendance.verified_minutes = max(0, min(adjustment.verified_minutes, span.minutes))
        if adjustment.confirmed or adjustment.verified_minutes is not None:
            attendance.no_check_out = False
        room = span.minutes - attendance.verified_minutes - attendance.makeup_minutes
        attendance.makeup_minutes += max(0, min(adjustment.makeup_minutes, room))


@dataclass(frozen=True)
class Totals:
    """A person's (or a group's) year: service minutes and person-times."""

    verified_minutes: int
    makeup_minutes: int
    person_times: int
    """人次: attendances at activities that count as service."""
    people: int
    """人: distinct people among them."""


def totals(spans: dict[int, Span], found: list[Attendance]) -> Totals:
    """What ``found`` adds up to; only service activities give person-times here."""
    service = [a for a in found if spans[a.activity_id].service]
    return Totals(
        verified_minutes=sum(a.verified_minutes for a in service),
        makeup_minutes=sum(a.makeup_minutes for a in service),
        person_times=len(service),
        people=len({a.person_id for a in service}),
    )

"""The counting rules of service hours (server/attendance/hours.py), one rule per test."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from server.attendance.hours import Adjustment, Mark, Span, attendances, totals

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def span(activity: int = 1, start=None, end=None, **options) -> dict[int, Span]:
    return {activity: Span(activity, start or at(20, 9), end or at(20, 12), **options)}


def marks(*pairs, person: int = 7, activity: int = 1) -> list[Mark]:
    out = []
    for i, (direction, moment) in enumerate(pairs):
        out.append(Mark(person, activity, moment, direction, f"e{activity}-{i}"))
    return out


def test_time_between_check_in_and_check_out_counts():
    [a] = attendances(span(), marks(("in", at(20, 9, 30)), ("out", at(20, 11, 0))), ZONE)
    assert a.verified_minutes == 90
    assert not a.no_check_out


def test_an_early_arrival_counts_from_the_start():
    [a] = attendances(span(), marks(("in", at(20, 8, 0)), ("out", at(20, 10, 0))), ZONE)
    assert a.verified_minutes == 60


def test_a_late_check_out_counts_to_the_end():
    [a] = attendances(span(), marks(("in", at(20, 9, 0)), ("out", at(20, 15, 0))), ZONE)
    assert a.verified_minutes == 180


def test_a_missing_check_out_counts_to_the_end_and_is_marked():
    [a] = attendances(span(), marks(("in", at(20, 10, 0))), ZONE)
    assert a.verified_minutes == 120
    assert a.no_check_out


def test_checking_in_twice_counts_once():
    found = attendances(
        span(), marks(("in", at(20, 9)), ("in", at(20, 9, 5)), ("out", at(20, 10))), ZONE
    )
    assert [(a.verified_minutes, len(a.pairs)) for a in found] == [(60, 1)]


def test_a_later_second_check_out_stands():
    found = attendances(
        span(), marks(("in", at(20, 9)), ("out", at(20, 10)), ("out", at(20, 11))), ZONE
    )
    assert found[0].verified_minutes == 120


def test_a_check_out_without_a_check_in_counts_nothing():
    assert attendances(span(), marks(("out", at(20, 10))), ZONE) == []


def test_at_most_three_pairs_a_day_count():
    spans = {
        i: Span(i, at(20, 8 + 2 * i), at(20, 9 + 2 * i)) for i in range(1, 5)
    }  # four one-hour activities the same day
    found_marks = [
        m
        for i in range(1, 5)
        for m in marks(("in", at(20, 8 + 2 * i)), ("out", at(20, 9 + 2 * i)), activity=i)
    ]
    found = attendances(spans, found_marks, ZONE)
    assert [a.verified_minutes for a in found] == [60, 60, 60]
    assert totals(spans, found).person_times == 3


def test_an_activity_across_midnight_counts_on_the_date_it_started():
    spans = span(start=at(20, 22), end=at(21, 2))
    [a] = attendances(spans, marks(("in", at(20, 22)), ("out", at(21, 2))), ZONE)
    assert a.date == dt.date(2026, 11, 20)
    assert a.verified_minutes == 240


def test_the_local_date_follows_the_time_zone():
    # 01:00 in Shanghai is the evening before in UTC.
    start = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
    spans = span(start=start, end=start + dt.timedelta(hours=1))
    [a] = attendances(spans, marks(("in", start), ("out", start + dt.timedelta(hours=1))), ZONE)
    assert a.date == dt.date(2026, 11, 21)


def test_an_activity_that_did_not_take_place_counts_nothing():
    found = attendances(span(held=False), marks(("in", at(20, 9)), ("out", at(20, 12))), ZONE)
    assert found == []


def test_an_activity_not_counting_as_service_gives_no_time_and_no_person_time():
    spans = span(service=False)
    found = attendances(spans, marks(("in", at(20, 9)), ("out", at(20, 12))), ZONE)
    assert [a.minutes for a in found] == [0]
    assert totals(spans, found).person_times == 0


def test_an_adjustment_replaces_verified_time_within_the_span():
    adjustment = Adjustment(7, 1, verified_minutes=500)
    [a] = attendances(span(), marks(("in", at(20, 10))), ZONE, [adjustment])
    assert a.verified_minutes == 180
    assert not a.no_check_out


def test_make_up_is_kept_apart_and_never_beyond_the_span():
    adjustment = Adjustment(7, 1, makeup_minutes=200)
    [a] = attendances(span(), marks(("in", at(20, 11)), ("out", at(20, 12))), ZONE, [adjustment])
    assert (a.verified_minutes, a.makeup_minutes) == (60, 120)


def test_make_up_alone_adds_a_person_time():
    spans = span()
    found = attendances(spans, [], ZONE, [Adjustment(8, 1, makeup_minutes=90)])
    assert [(a.person_id, a.verified_minutes, a.makeup_minutes) for a in found] == [(8, 0, 90)]
    assert totals(spans, found).people == 1


def test_people_and_person_times_differ():
    spans = {1: Span(1, at(20, 9), at(20, 10)), 2: Span(2, at(21, 9), at(21, 10))}
    found = attendances(
        spans,
        [
            *marks(("in", at(20, 9)), ("out", at(20, 10)), person=7, activity=1),
            *marks(("in", at(21, 9)), ("out", at(21, 10)), person=7, activity=2),
            *marks(("in", at(21, 9)), ("out", at(21, 10)), person=8, activity=2),
        ],
        ZONE,
    )
    result = totals(spans, found)
    assert (result.people, result.person_times, result.verified_minutes) == (2, 3, 180)

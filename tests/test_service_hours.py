"""服务时长 over HTTP: marks pushed by phones, hours and 人 / 人次 on the pages equal what
the test counts itself from the raw entries it sent."""

from __future__ import annotations

import datetime as dt
import re

from tests.admin_helpers import account_id, post_form
from tests.builders import correction_entry
from tests.checkin_helpers import local, mark, scanned, send, team_activity

YEAR_START = "2026-12-20T09:00"


def _number(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}" value="(\d+)"', html)
    assert match, element_id
    return int(match.group(1))


def _my_minutes(client) -> tuple[int, int, int]:
    page = client.get("/me/hours", params={"year": "2026"}).text
    return (
        _number(page, "verified-minutes"),
        _number(page, "makeup-minutes"),
        _number(page, "person-times"),
    )


def _clipped(check_in: dt.datetime, check_out: dt.datetime, start, end) -> int:
    """The test's own count: minutes inside the span."""
    seconds = (min(check_out, end) - max(check_in, start)).total_seconds()
    return max(0, int(seconds // 60))


def test_hours_count_from_check_in_to_check_out_clipped_to_the_span(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    first, key1 = team_activity(db, coord)  # 09:00–11:30
    second, key2 = team_activity(
        db, coord, starts_at="2026-12-21T14:00", ends_at="2026-12-21T16:00"
    )
    arrivals = [
        (first, key1, local("2026-12-20T08:10"), local("2026-12-20T10:45")),  # early
        (second, key2, local("2026-12-21T14:20"), local("2026-12-21T17:30")),  # late out
    ]
    entries = []
    for activity, key, came, left in arrivals:
        entries += [
            scanned("check_in", activity, key, came),
            scanned("check_out", activity, key, left),
        ]
    send(vol2, *entries)
    expected = _clipped(
        arrivals[0][2], arrivals[0][3], local("2026-12-20T09:00"), local("2026-12-20T11:30")
    ) + _clipped(
        arrivals[1][2], arrivals[1][3], local("2026-12-21T14:00"), local("2026-12-21T16:00")
    )
    assert _my_minutes(vol2) == (expected, 0, 2)


def test_a_duplicate_check_in_counts_once(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity, key = team_activity(db, coord)
    start = local(YEAR_START)
    twice = [scanned("check_in", activity, key, start), scanned("check_in", activity, key, start)]
    send(vol2, *twice, scanned("check_out", activity, key, start + dt.timedelta(minutes=90)))
    assert _my_minutes(vol2) == (90, 0, 1)


def test_a_missing_check_out_counts_to_the_end_and_shows_as_such(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity, key = team_activity(db, coord)
    send(vol2, scanned("check_in", activity, key, local("2026-12-20T10:00")))
    assert _my_minutes(vol2) == (90, 0, 1)
    page = coord.get(f"/activities/{activity}/attendance").text
    assert "未签退" in page


def test_an_activity_across_midnight_counts_on_the_date_it_started(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity, key = team_activity(
        db, coord, starts_at="2026-12-31T22:00", ends_at="2027-01-01T02:00"
    )
    came, left = local("2026-12-31T22:00"), local("2027-01-01T01:30")
    send(vol2, scanned("check_in", activity, key, came), scanned("check_out", activity, key, left))
    # Counted in 2026 (this year's page), the whole time served.
    assert _my_minutes(vol2) == (210, 0, 1)
    assert "2026-12-31" in vol2.get("/me/hours", params={"year": "2026"}).text


def test_four_pairs_in_one_day_count_three(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    entries, counted = [], 0
    for hour in (8, 11, 14, 17):
        starts, ends = f"2026-12-22T{hour:02d}:00", f"2026-12-22T{hour + 2:02d}:00"
        activity, key = team_activity(db, coord, starts_at=starts, ends_at=ends)
        entries += [
            scanned("check_in", activity, key, local(starts)),
            scanned("check_out", activity, key, local(starts) + dt.timedelta(minutes=60)),
        ]
        counted += 60 if hour < 17 else 0
    send(vol2, *entries)
    assert _my_minutes(vol2) == (counted, 0, 3)


def _served(db, coord, client, minutes: int) -> int:
    """An activity of vol1's team at which ``client`` served ``minutes`` from its start."""
    activity, key = team_activity(db, coord)
    start = local(YEAR_START)
    send(
        client,
        scanned("check_in", activity, key, start),
        scanned("check_out", activity, key, start + dt.timedelta(minutes=minutes)),
    )
    return activity


def test_an_activity_that_did_not_take_place_counts_nothing(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity = _served(db, coord, vol2, 120)
    assert _my_minutes(vol2)[0] == 120
    assert post_form(coord, f"/activities/{activity}/not-held").status_code == 303
    assert _my_minutes(vol2) == (0, 0, 0)


def test_people_and_person_times_of_an_activity_equal_the_raw_entries(db, as_user, vol1):
    coord = as_user("coord")
    activity, key = team_activity(db, coord)
    start = local(YEAR_START)
    vol2 = as_user("vol2")
    sent = {
        "vol2": [
            scanned("check_in", activity, key, start),
            scanned("check_out", activity, key, start + dt.timedelta(minutes=50)),
        ],
        "vol1": [
            scanned("check_in", activity, key, start + dt.timedelta(minutes=30)),
            scanned("check_in", activity, key, start + dt.timedelta(minutes=31)),
        ],
    }
    send(vol2, *sent["vol2"])
    send(vol1, *sent["vol1"])
    end = local("2026-12-20T11:30")
    # The test's own count: distinct people, one person-time each, minutes per person.
    people = {name for name, marks in sent.items() if marks}
    minutes = _clipped(start, start + dt.timedelta(minutes=50), start, end)
    minutes += _clipped(start + dt.timedelta(minutes=30), end, start, end)  # no check-out
    page = coord.get(f"/activities/{activity}/attendance").text
    assert _number(page, "total-people") == len(people)
    assert _number(page, "total-person-times") == len(people)
    assert _number(page, "total-verified") == minutes


def test_a_coordinators_make_up_is_kept_apart_and_audited(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity = _served(db, coord, vol2, 60)
    form = {
        "person": str(db(account_id, "vol2")),
        "action": "makeup",
        "minutes": "120",
        "reason": "签退时手机没电",
    }
    assert post_form(coord, f"/activities/{activity}/attendance", form).status_code == 303
    # Never beyond the span: 150 minutes, 60 verified, so 90 of the 120 count.
    assert _my_minutes(vol2) == (60, 90, 1)
    from tests.admin_helpers import audit_actions

    assert "attendance.makeup" in db(audit_actions, "attendance_change", 1)


def test_a_make_up_needs_a_reason(db, as_user):
    coord = as_user("coord")
    activity, _ = team_activity(db, coord)
    form = {"person": str(db(account_id, "vol2")), "action": "makeup", "minutes": "30"}
    response = post_form(coord, f"/activities/{activity}/attendance", form)
    assert response.status_code == 422


def test_changes_after_ten_working_days_need_an_admin(db, as_user):
    coord = as_user("coord")
    # Ended on Monday 2026-11-02: ten working days later is Monday 2026-11-16.
    activity, _ = team_activity(db, coord, starts_at="2026-11-02T09:00", ends_at="2026-11-02T10:00")
    form = {"person": str(db(account_id, "vol2")), "action": "confirm"}
    response = post_form(coord, f"/activities/{activity}/attendance", form)
    assert response.status_code == 422
    assert "需要管理员" in response.text


def test_a_leaders_tick_for_a_member_counts_for_the_member(db, as_user, vol1):
    coord = as_user("coord")
    activity, _ = team_activity(db, coord)
    member = str(db(account_id, "vol2"))
    start = local(YEAR_START)
    send(
        vol1,
        mark("check_in", activity, start, member_id=member),
        mark("check_out", activity, start + dt.timedelta(minutes=45), member_id=member),
    )
    assert _my_minutes(as_user("vol2")) == (45, 0, 1)
    assert _my_minutes(vol1) == (0, 0, 0)


def test_a_voided_check_out_counts_nothing_and_the_check_in_runs_to_the_end(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity, key = team_activity(db, coord)
    start = local(YEAR_START)
    check_out = scanned("check_out", activity, key, start + dt.timedelta(minutes=30))
    send(vol2, scanned("check_in", activity, key, start), check_out)
    assert _my_minutes(vol2) == (30, 0, 1)
    [result] = send(vol2, correction_entry(check_out["id"], None, reason="点错了"))
    assert result["status"] == "accepted"
    assert _my_minutes(vol2) == (150, 0, 1)

"""签到 / 签退: the server verifies a mark's code, time and place when it arrives; a doubtful
mark is stored and flagged, never dropped; a leader checks in only their own team."""

from __future__ import annotations

import datetime as dt
import re

from server import checkin_code
from tests.admin_helpers import account_id, post_form
from tests.builders import push_results
from tests.checkin_helpers import entry_flags, local, mark, scanned, send, team_activity

START = local("2026-12-20T09:00")


def _stored(db, results, entries) -> dict[str, str]:
    assert [r["status"] for r in results] == ["accepted"] * len(entries)
    return db(entry_flags, [e["id"] for e in entries])


def test_the_code_on_the_leaders_screen_checks_in_unflagged(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    entry = scanned("check_in", activity_id, key, START)
    assert _stored(db, send(as_user("vol2"), entry), [entry]) == {entry["id"]: ""}


def test_the_poster_code_checks_in_unflagged(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    entry = mark("check_in", activity_id, START, checkin_code.poster_code(key))
    assert _stored(db, send(as_user("vol2"), entry), [entry]) == {entry["id"]: ""}


def test_a_stale_code_is_stored_and_flagged(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    old = checkin_code.rotating_code(key, checkin_code.minute_of(START) - 10)
    entry = mark("check_in", activity_id, START, old)
    assert _stored(db, send(as_user("vol2"), entry), [entry]) == {entry["id"]: "code_stale"}


def test_a_forged_code_is_stored_and_flagged(db, as_user):
    activity_id, _ = team_activity(db, as_user("coord"))
    forged = checkin_code.rotating_code("ab" * 32, checkin_code.minute_of(START))
    entry = mark("check_in", activity_id, START, forged)
    check_out = mark("check_out", activity_id, START, "")
    flags = _stored(db, send(as_user("vol2"), entry, check_out), [entry, check_out])
    assert flags == {entry["id"]: "code_wrong", check_out["id"]: "code_wrong"}


def test_a_mark_outside_the_activitys_time_is_stored_and_flagged(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    late = local("2026-12-20T16:00")  # ends 11:30; two hours' grace
    entry = scanned("check_out", activity_id, key, late)
    assert _stored(db, send(as_user("vol2"), entry), [entry]) == {entry["id"]: "outside_window"}


def test_the_window_is_judged_with_the_phones_measured_clock_offset(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    # The phone's clock is five hours slow: it says 10:00, the server's time was 15:00.
    behind = dt.timedelta(hours=5)
    served = local("2026-12-20T15:00")
    entry = scanned("check_in", activity_id, key, served)
    entry["recorded_at"] = (served - behind).isoformat()
    device_time = (dt.datetime.now(dt.UTC) - behind).isoformat()
    results = send(as_user("vol2"), entry, device_time=device_time)
    assert _stored(db, results, [entry]) == {entry["id"]: "outside_window"}


def test_a_slow_phone_clock_does_not_make_the_code_stale(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    behind = dt.timedelta(minutes=30)
    entry = scanned("check_in", activity_id, key, START)  # the code of the real minute
    entry["recorded_at"] = (START - behind).isoformat()
    device_time = (dt.datetime.now(dt.UTC) - behind).isoformat()
    results = send(as_user("vol2"), entry, device_time=device_time)
    assert _stored(db, results, [entry]) == {entry["id"]: ""}


def test_a_mark_far_from_the_place_is_stored_and_flagged(db, as_user):
    place = {"latitude": "32.8300", "longitude": "110.8100", "radius_m": "300"}
    activity_id, key = team_activity(db, as_user("coord"), **place)
    near = scanned("check_in", activity_id, key, START, location={"lat": 32.8310, "lon": 110.8105})
    far = scanned("check_out", activity_id, key, START, location={"lat": 32.70, "lon": 110.81})
    flags = _stored(db, send(as_user("vol2"), near, far), [near, far])
    assert flags == {near["id"]: "", far["id"]: "far_from_place"}


def test_a_mark_for_an_activity_that_did_not_take_place_is_flagged(db, as_user):
    coord = as_user("coord")
    activity_id, key = team_activity(db, coord)
    assert post_form(coord, f"/activities/{activity_id}/not-held").status_code == 303
    entry = scanned("check_in", activity_id, key, START)
    assert _stored(db, send(as_user("vol2"), entry), [entry]) == {entry["id"]: "activity_not_held"}


def test_an_activity_not_meant_for_the_volunteer_is_refused(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    entry = scanned("check_in", activity_id, key, START)
    [result] = send(as_user("vol3"), entry)  # 房县's team
    assert (result["status"], result["code"]) == ("rejected", "unknown_activity")


def test_a_leader_checks_in_a_member_of_their_team(db, as_user, vol1):
    activity_id, _ = team_activity(db, as_user("coord"))
    vol2 = db(account_id, "vol2")
    entry = mark("check_in", activity_id, START, member_id=str(vol2))
    assert _stored(db, send(vol1, entry), [entry]) == {entry["id"]: ""}
    assert db(_person_and_recorder, entry["id"]) == (vol2, db(account_id, "vol1"))


def test_a_leader_cannot_check_in_another_teams_member(db, as_user, vol1):
    activity_id, _ = team_activity(db, as_user("coord"))
    entry = mark("check_in", activity_id, START, member_id=str(db(account_id, "vol3")))
    [result] = send(vol1, entry)
    assert (result["status"], result["code"]) == ("rejected", "not_your_team")


def test_a_volunteer_who_is_no_leader_cannot_check_in_others(db, as_user):
    activity_id, _ = team_activity(db, as_user("coord"))
    entry = mark("check_in", activity_id, START, member_id=str(db(account_id, "vol1")))
    [result] = push_results(as_user("vol2"), [entry])
    assert (result["status"], result["code"]) == ("rejected", "not_your_team")


def test_the_key_reaches_the_leaders_phone_only(db, as_user, vol1):
    activity_id, key = team_activity(db, as_user("coord"))

    def pulled(client):
        changes = client.get("/api/sync/pull").json()["changes"]
        [activity] = [c for c in changes if c["kind"] == "activity" and c["id"] == str(activity_id)]
        return activity["data"]

    assert pulled(vol1)["checkin_key"] == key
    assert "checkin_key" not in pulled(as_user("vol2"))


async def _person_and_recorder(entry_id: str) -> tuple[int, int]:
    from server.entries.kinds.check_in import CheckIn

    row = await CheckIn.select().where(CheckIn.entry == entry_id).first()
    return row["person"], row["recorded_by"]


def test_the_check_in_form_posts_without_scripts_and_a_repeat_stores_once(db, as_user):
    activity_id, key = team_activity(db, as_user("coord"))
    vol2 = as_user("vol2")
    page = vol2.get(f"/checkin/{activity_id}?c=123456")
    assert page.status_code == 200 and 'value="123456"' in page.text
    entry_id = re.search(r'name="entry_id" value="([^"]+)"', page.text).group(1)
    rendered_at = re.search(r'name="rendered_at" value="([^"]+)"', page.text).group(1)
    form = {
        "entry_id": entry_id,
        "rendered_at": rendered_at,
        "code": checkin_code.poster_code(key),
        "direction": "in",
    }
    first = post_form(vol2, f"/checkin/{activity_id}", form)
    again = post_form(vol2, f"/checkin/{activity_id}", form)
    assert "saved=accepted" in first.headers["location"]
    assert "saved=duplicate" in again.headers["location"]
    # Posted today for an activity on 2026-12-20: stored once, flagged for its time.
    assert db(entry_flags, [entry_id]) == {entry_id: "outside_window"}

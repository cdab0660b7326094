"""应急救护培训: trainees per category; totals give 人 and 人次 equal to what the test counts
from the raw entries it sent."""

from __future__ import annotations

import re
import uuid

from tests.checkin_helpers import send, team_activity


def _count(activity: int, category: str, trainees=(), headcount: int = 0) -> dict:
    data = {"activity_id": str(activity), "category": category, "trainees": list(trainees)}
    if headcount:
        data["headcount"] = headcount
    return {
        "id": str(uuid.uuid4()),
        "kind": "training_count",
        "schema": 1,
        "recorded_at": "2026-12-20T12:00:00+08:00",
        "data": data,
    }


def _number(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}" value="(\d+)"', html)
    assert match, element_id
    return int(match.group(1))


def test_people_and_person_times_per_category(db, as_user, vol1):
    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training")
    first_aiders = [
        {"name": "刘春燕", "phone": "13907191234", "certificate": "passed",
         "certificate_number": "HB2026-0117", "certificate_date": "2026-12-20"},
        {"name": "王德山", "certificate": "absent"},
    ]  # fmt: skip
    again = [{"name": "刘春燕", "phone": "13907191234", "certificate": "failed"}]
    public = [{"name": "张三"}, {"name": "李四"}]
    sent = [
        _count(activity, "first_aider", first_aiders),
        _count(activity, "first_aider", again),
        _count(activity, "public", public),
        _count(activity, "public", headcount=120),
        _count(activity, "trainer", [{"name": "陈老师", "phone": "13800000000"}]),
    ]
    assert {r["status"] for r in send(vol1, *sent)} == {"accepted"}
    page = coord.get(f"/activities/{activity}/attendance").text
    # The test's own counts from the raw entries.
    for category in ("trainer", "first_aider", "public"):
        mine = [e["data"] for e in sent if e["data"]["category"] == category]
        rows = [(t["name"], t.get("phone", "")) for d in mine for t in d["trainees"]]
        crowd = sum(d.get("headcount", 0) for d in mine)
        assert _number(page, f"{category}-person-times") == len(rows) + crowd
        assert _number(page, f"{category}-people") == len(set(rows)) + crowd


def test_a_headcount_is_for_public_training_only(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    [result] = send(vol1, _count(activity, "trainer", headcount=5))
    assert (result["status"], result["code"]) == ("rejected", "headcount_only_public")


def test_a_certificate_is_for_first_aiders_only(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    entry = _count(activity, "public", [{"name": "张三", "certificate": "passed"}])
    [result] = send(vol1, entry)
    assert (result["status"], result["code"]) == ("rejected", "certificate_only_first_aiders")


def test_only_who_manages_the_training_records_it(db, as_user):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    [result] = send(as_user("vol2"), _count(activity, "public", headcount=10))
    assert (result["status"], result["code"]) == ("rejected", "not_a_training")


def test_an_activity_that_is_no_training_takes_no_counts(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"))
    [result] = send(vol1, _count(activity, "public", headcount=10))
    assert (result["status"], result["code"]) == ("rejected", "not_a_training")


def test_the_attendance_page_is_titled_in_chinese_punctuation(db, as_user):
    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training", title="急救培训")
    heading = coord.get(f"/activities/{activity}/attendance").text.split("<h1>", 1)[1]
    assert heading.startswith("出勤：急救培训</h1>")

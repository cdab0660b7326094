"""审核: entries of every kind with filters, by keyset; flagged entries; phones holding data."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.builders import push, push_results, visit_entry
from tests.review_helpers import NOW, days_ago, small_village, visit


@pytest.fixture
def place(db):
    return db(small_village)


def _entries(client, query: str = "", path: str = "/review") -> list[str]:
    response = client.get(f"{path}{query}")
    assert response.status_code == 200, response.text
    return re.findall(r'data-entry="([0-9a-f-]{36})"', response.text)


def _here(place) -> str:
    return f"?place={place['village']}"


def test_entries_are_listed_latest_first(as_user, place):
    vol2 = as_user("vol2")
    h = place["households"]
    old = visit(vol2, h[0], 9)
    new = visit(vol2, h[1], 1)
    middle = visit(vol2, h[2], 4)
    coord = as_user("coord")
    assert _entries(coord, _here(place)) == [new["id"], middle["id"], old["id"]]


def test_the_filters_narrow_by_volunteer_dates_team_and_kind(as_user, db, place):
    from tests.admin_helpers import account_id, team_id
    from tests.test_coverage import _pair

    h = place["households"]
    db(_pair, "vol1", h[3])
    by_vol2 = visit(as_user("vol2"), h[0], 9)
    by_vol1 = visit(as_user("vol1"), h[3], 2)
    coord = as_user("coord")
    here = _here(place)
    vol1 = db(account_id, "vol1")
    assert _entries(coord, f"{here}&volunteer={vol1}") == [by_vol1["id"]]
    since = (NOW - dt.timedelta(days=5)).date().isoformat()
    assert _entries(coord, f"{here}&since={since}") == [by_vol1["id"]]
    until = (NOW - dt.timedelta(days=5)).date().isoformat()
    assert _entries(coord, f"{here}&until={until}") == [by_vol2["id"]]
    team = db(team_id, "郧阳区志愿服务一队")
    assert len(_entries(coord, f"{here}&team={team}")) == 2
    assert _entries(coord, f"{here}&kind=check_in") == []
    assert len(_entries(coord, f"{here}&kind=visit")) == 2


def test_the_list_pages_by_keyset(as_user, place):
    from server.review.service import PAGE

    [household, *_] = place["households"]
    entries = [
        visit_entry(household, recorded_at=NOW.isoformat(), visited_at=days_ago(n / 24), needs={})
        for n in range(PAGE + 2)
    ]
    push_results(as_user("vol2"), entries)
    coord = as_user("coord")
    first = coord.get(f"/review{_here(place)}").text
    ids = re.findall(r'data-entry="([0-9a-f-]{36})"', first)
    assert ids == [e["id"] for e in entries[:PAGE]]
    next_url = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert _entries(coord, next_url) == [e["id"] for e in entries[PAGE:]]


async def _end_pairing(household: int) -> None:
    from server.pairings import pairing
    from tests.admin_helpers import account_id

    await pairing.unpair(None, await account_id("vol2"), household)


def test_flagged_entries_are_in_one_queue(as_user, db, place):
    h = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, h[0], 2)
    db(_end_pairing, h[1])
    late = visit_entry(h[1], recorded_at=NOW.isoformat(), visited_at=days_ago(1), needs={})
    [result] = push_results(vol2, [late])
    assert result["status"] == "accepted"
    coord = as_user("coord")
    assert _entries(coord, _here(place), "/review/flagged") == [late["id"]]
    assert _entries(coord, _here(place) + "&flagged=1") == [late["id"]]


def _why(page: str, entry_id: str) -> str:
    """What a listed entry's flag line says."""
    row = re.search(rf'data-entry="{entry_id}".*?</li>', page, re.S)
    assert row, entry_id
    said = re.search(r"<p class=\"note\" data-why>(.*?)</p>", row.group(0), re.S)
    return said.group(1) if said else ""


def test_a_flagged_entry_says_why_in_chinese_in_the_queue_and_on_its_page(as_user, db, place):
    h = place["households"]
    db(_end_pairing, h[1])
    late = visit_entry(h[1], recorded_at=NOW.isoformat(), visited_at=days_ago(1), needs={})
    assert push_results(as_user("vol2"), [late])[0]["status"] == "accepted"
    coord = as_user("coord")
    said = _why(coord.get("/review/flagged" + _here(place)).text, late["id"])
    assert "结对已结束" in said and "pairing_ended" not in said
    page = coord.get(f"/review/entries/{late['id']}").text
    facts = re.search(r'id="entry-facts">(.*?)</dl>', page, re.S).group(1)
    assert "结对已结束" in facts and "已保存" in facts
    assert "pairing_ended" not in facts and "accepted" not in facts


def test_check_ins_out_of_their_window_or_place_are_in_the_flagged_queue(as_user, db):
    from tests.checkin_helpers import local, scanned, team_activity

    spot = {"latitude": "32.8300", "longitude": "110.8100", "radius_m": "300"}
    activity_id, key = team_activity(db, as_user("coord"), **spot)
    here = {"lat": 32.8301, "lon": 110.8101}
    on_time = scanned("check_in", activity_id, key, local("2026-12-20T09:05"), location=here)
    late = scanned("check_out", activity_id, key, local("2026-12-20T16:00"), location=here)
    away = {"lat": 32.70, "lon": 110.81}
    far = scanned("check_in", activity_id, key, local("2026-12-20T10:00"), location=away)
    results = push_results(as_user("vol2"), [on_time, late, far])
    assert [r["status"] for r in results] == ["accepted"] * 3, results
    page = as_user("coord").get("/review/flagged?kind=").text
    listed = re.findall(r'data-entry="([0-9a-f-]{36})"', page)
    assert late["id"] in listed and far["id"] in listed and on_time["id"] not in listed
    assert "不在活动时间内" in _why(page, late["id"])
    assert "不在活动地点" in _why(page, far["id"])


def test_an_entry_opens_with_its_raw_body(as_user, place):
    entry = visit(as_user("vol2"), place["households"][0], 2, health="urgent")
    page = as_user("coord").get(f"/review/entries/{entry['id']}")
    assert page.status_code == 200
    assert "health urgent" in page.text
    assert entry["recorded_at"] in page.text


def test_a_coordinator_of_another_area_sees_no_entry_of_this_one(as_user, place):
    entry = visit(as_user("vol2"), place["households"][0], 2)
    other = as_user("coord_fx")
    assert entry["id"] not in _entries(other)
    assert entry["id"] not in _entries(other, "", "/review/flagged")
    assert other.get(f"/review/entries/{entry['id']}").status_code == 404
    assert _entries(other, _here(place)) == []
    assert as_user("vol2").get("/review").status_code == 404


def test_phones_holding_entries_for_more_than_n_days_are_listed(as_user, place):
    vol2 = as_user("vol2")
    response = push(
        vol2, [], device_id="slow-phone", pending_count=3, oldest_pending_at=days_ago(5)
    )
    assert response.status_code == 200
    push(vol2, [], device_id="fresh-phone", pending_count=2, oldest_pending_at=days_ago(1))
    coord = as_user("coord")
    listed = coord.get("/review/phones?days=3").text
    assert "3 条待同步" in listed
    assert listed.count('data-device="') == 1
    assert 'data-device="' not in coord.get("/review/phones?days=7").text
    assert 'data-device="' not in as_user("coord_fx").get("/review/phones?days=3").text


def test_a_corrected_entry_shows_its_chain_and_the_correction_opens_where_it_does(as_user, place):
    from tests.builders import correction_entry

    vol2 = as_user("vol2")
    wrong = visit(vol2, place["households"][0], 2)
    fixed = correction_entry(wrong["id"], {**wrong["data"], "visited_at": days_ago(3)})
    fixed["recorded_at"] = NOW.isoformat()
    [result] = push_results(vol2, [fixed])
    assert result["status"] == "accepted", result
    coord = as_user("coord")
    page = coord.get(f"/review/entries/{wrong['id']}").text
    assert re.findall(r'data-link="([0-9a-f-]{36})"', page) == [wrong["id"], fixed["id"]]
    assert coord.get(f"/review/entries/{fixed['id']}").status_code == 200
    assert as_user("coord_fx").get(f"/review/entries/{fixed['id']}").status_code == 404

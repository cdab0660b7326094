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

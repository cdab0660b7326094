"""户户走到: households visited lately, never visited, per village, team and volunteer."""

from __future__ import annotations

import re

import pytest

from tests.review_helpers import ids_in, small_village, visit


async def _pair(username: str, household: int) -> None:
    from server.pairings import pairing
    from tests.admin_helpers import account_id

    await pairing.pair_many(None, await account_id(username), [household])


@pytest.fixture
def place(as_user, db):
    """试点村: h0 visited 3 days ago, h1 40 days ago, h2 and h3 never; h3 also paired with vol1."""
    made = db(small_village)
    h = made["households"]
    vol2 = as_user("vol2")
    visit(vol2, h[0], 3)
    visit(vol2, h[1], 40)
    db(_pair, "vol1", h[3])
    return made


def _counts(html: str, row_id: int) -> dict[str, str]:
    row = re.search(rf'<tr data-coverage="{row_id}">(.*?)</tr>', html, re.S)
    assert row, f"no row {row_id}"
    cells = re.findall(r'data-count="(\w+)">(?:<a [^>]*>)?([^<]+)<', row.group(1))
    return dict(cells)


def _row_id(html: str, name: str) -> int:
    return int(re.search(rf'<tr data-coverage="(\d+)">\s*<th[^>]*>{name}', html).group(1))


def test_per_village_visited_in_the_period_and_never(as_user, place):
    page = as_user("coord").get("/coverage?days=30").text
    assert _counts(page, place["village"]) == {
        "households": "4",
        "visited": "1",
        "share": "25%",
        "not_visited": "3",
        "never": "2",
    }


def test_the_period_is_chosen_on_the_page(as_user, place):
    page = as_user("coord").get("/coverage?days=60").text
    assert _counts(page, place["village"])["visited"] == "2"


def test_per_team_a_household_paired_twice_counts_once(as_user, place):
    page = as_user("coord").get(f"/coverage?by=team&days=30&place={place['village']}").text
    team = _row_id(page, "郧阳区志愿服务一队")
    assert _counts(page, team) == {
        "households": "4",
        "visited": "1",
        "share": "25%",
        "not_visited": "3",
        "never": "2",
    }


def test_per_volunteer(as_user, place):
    page = as_user("coord").get(f"/coverage?by=volunteer&days=30&place={place['village']}").text
    assert _counts(page, place["vol2"])["households"] == "4"
    vol1 = _row_id(page, "张志愿（队长）")
    assert _counts(page, vol1) == {
        "households": "1",
        "visited": "0",
        "share": "0%",
        "not_visited": "1",
        "never": "1",
    }


def test_a_count_drills_down_to_its_households(as_user, place):
    coord = as_user("coord")
    h = place["households"]
    base = f"/coverage/village/{place['village']}?days=30"
    assert ids_in(coord.get(base + "&state=stale").text, "household") == h[1:]
    assert ids_in(coord.get(base + "&state=never").text, "household") == h[2:]
    volunteer = f"/coverage/volunteer/{place['vol2']}?days=30&state=never&place={place['village']}"
    assert ids_in(coord.get(volunteer).text, "household") == h[2:]


def test_a_coordinator_of_another_area_sees_nothing_of_it(as_user, place):
    other = as_user("coord_fx")
    page = other.get("/coverage?days=30").text
    assert f'data-coverage="{place["village"]}"' not in page
    drill = other.get(f"/coverage/village/{place['village']}?days=30&state=stale").text
    assert ids_in(drill, "household") == []
    assert as_user("vol2").get("/coverage").status_code == 404


def test_the_drill_down_list_pages_by_household(as_user, db):
    from server.coverage.service import PAGE

    made = db(small_village, PAGE + 3)
    coord = as_user("coord")
    first = coord.get(f"/coverage/village/{made['village']}?days=30&state=never").text
    assert ids_in(first, "household") == made["households"][:PAGE]
    next_url = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = coord.get(next_url).text
    assert ids_in(second, "household") == made["households"][PAGE:]
    assert 'id="next-page"' not in second


def test_a_visit_replaced_by_a_correction_counts_with_its_new_time(as_user, place):
    from tests.builders import correction_entry, push_results
    from tests.review_helpers import NOW, days_ago

    h = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, h[2], 2)
    fixed = {**wrong["data"], "visited_at": days_ago(45)}
    correction = correction_entry(wrong["id"], fixed, recorded_at=NOW.isoformat())
    [result] = push_results(vol2, [correction])
    assert result["status"] == "accepted", result
    counts = _counts(as_user("coord").get("/coverage?days=30").text, place["village"])
    assert (counts["visited"], counts["never"]) == ("1", "1")

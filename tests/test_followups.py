"""需要跟进: urgent needs and follow-up flags open items that stay open until closed."""

from __future__ import annotations

import pytest

from tests.admin_helpers import audit_actions, post_form
from tests.review_helpers import ids_in, small_village, visit


@pytest.fixture
def place(db):
    return db(small_village)


async def _items(household: int) -> list[dict]:
    from server.followups.tables import FollowUp

    return await FollowUp.select().where(FollowUp.household == household).order_by(FollowUp.id)


def _queue(client, query: str = "") -> list[int]:
    response = client.get(f"/followups{query}")
    assert response.status_code == 200
    return ids_in(response.text, "followup")


def test_an_urgent_need_and_a_follow_up_flag_each_open_an_item(as_user, db, place):
    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent", follow_up="送药")
    assert [(i["area"], i["status"]) for i in db(_items, household)] == [
        ("health", "open"),
        ("follow_up", "open"),
    ]


def test_an_item_stays_open_after_a_later_visit_without_that_need(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 5, health="urgent")
    visit(vol2, household, 2, health="some", livelihood="urgent")
    [health, livelihood] = db(_items, household)
    assert (health["status"], health["proposed_by"]) == ("open", None)
    coord = as_user("coord")
    assert {health["id"], livelihood["id"]} <= set(_queue(coord))


def test_a_later_visit_recording_the_need_resolved_proposes_closing_without_closing(
    as_user, db, place
):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 5, health="urgent")
    resolving = visit(vol2, household, 1)
    [item] = db(_items, household)
    assert item["status"] == "open"
    assert str(item["proposed_by"]) == resolving["id"]
    page = as_user("coord").get(f"/followups/{item['id']}").text
    assert "建议关闭" in page or "如已办结" in page


def test_an_earlier_visit_arriving_late_proposes_nothing(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 2, health="urgent")
    visit(vol2, household, 4)
    [item] = db(_items, household)
    assert item["proposed_by"] is None


def test_a_second_urgent_report_opens_no_second_item_and_withdraws_the_proposal(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 6, health="urgent")
    visit(vol2, household, 4)
    visit(vol2, household, 2, health="urgent")
    [item] = db(_items, household)
    assert item["proposed_by"] is None


def test_the_queue_lists_the_oldest_report_first_and_filters_by_area(as_user, db, place):
    [a, b, c, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, b, 2, health="urgent")
    visit(vol2, a, 9, training="urgent")
    visit(vol2, c, 5, health="urgent")
    ours = {i["id"]: h for h in (a, b, c) for i in db(_items, h)}
    coord = as_user("coord")
    place_query = f"?place={place['village']}"
    assert [ours[i] for i in _queue(coord, place_query)] == [a, c, b]
    assert [ours[i] for i in _queue(coord, place_query + "&area=health")] == [c, b]
    page = coord.get("/followups" + place_query).text
    assert "李红梅" in page  # who reported it


def test_each_queued_item_says_who_reported_it_and_when(as_user, db, place):
    import datetime as dt
    import re

    from tests.review_helpers import NOW

    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    [item] = db(_items, household)
    page = as_user("coord").get(f"/followups?place={place['village']}").text
    row = re.search(rf'data-followup="{item["id"]}">(.*?)</li>', page, re.S).group(1)
    day = (NOW - dt.timedelta(days=3)).date().isoformat()
    assert re.search(rf'class="meta">[^<]*李红梅[^<]*{day}', row), row


def test_closing_needs_what_was_done_and_is_audited(as_user, db, place):
    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    [item] = db(_items, household)
    coord = as_user("coord")
    refused = post_form(coord, f"/followups/{item['id']}/close", {"outcome": " "})
    assert refused.status_code == 422
    assert "请说明做了什么。" in refused.text
    closed = post_form(coord, f"/followups/{item['id']}/close", {"outcome": "镇卫生院已送药"})
    assert closed.status_code == 303
    [after] = db(_items, household)
    assert (after["status"], after["outcome"]) == ("closed", "镇卫生院已送药")
    assert db(audit_actions, "follow_up", item["id"]) == ["follow_up.open", "follow_up.close"]
    assert item["id"] not in _queue(coord)
    assert item["id"] in _queue(coord, "?status=closed")


def test_assigning_and_notes_are_kept_and_audited(as_user, db, place):
    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    [item] = db(_items, household)
    coord = as_user("coord")
    url = f"/followups/{item['id']}"
    form = {"volunteer": str(place["vol2"]), "partner": "大柳乡卫生院"}
    assert post_form(coord, f"{url}/assign", form).status_code == 303
    assert post_form(coord, f"{url}/notes", {"note": "已电话联系"}).status_code == 303
    page = coord.get(url).text
    assert "大柳乡卫生院" in page and "已电话联系" in page
    assert db(audit_actions, "follow_up", item["id"]) == [
        "follow_up.open",
        "follow_up.assign",
        "follow_up.note",
    ]


def test_an_item_cannot_go_to_a_volunteer_of_another_area(as_user, db, place):
    from tests.admin_helpers import account_id

    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    [item] = db(_items, household)
    form = {"volunteer": str(db(account_id, "vol3")), "partner": ""}
    response = post_form(as_user("coord"), f"/followups/{item['id']}/assign", form)
    assert response.status_code == 422
    assert db(_items, household)[0]["assignee"] is None


def test_a_coordinator_of_another_area_sees_and_changes_nothing_of_this_one(as_user, db, place):
    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    [item] = db(_items, household)
    other = as_user("coord_fx")
    assert item["id"] not in _queue(other)
    assert other.get(f"/followups/{item['id']}").status_code == 404
    closing = post_form(other, f"/followups/{item['id']}/close", {"outcome": "x"})
    assert closing.status_code == 404
    assert db(_items, household)[0]["status"] == "open"


def test_volunteers_see_their_households_open_items_but_not_the_queue(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 3, health="urgent")
    page = vol2.get(f"/households/{household}").text
    [item] = db(_items, household)
    assert ids_in(page, "followup") == [item["id"]]
    assert vol2.get("/followups").status_code == 404


def test_the_migration_opens_items_for_visits_stored_before_it(as_user, db, place):
    import importlib

    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    first = visit(vol2, household, 6, health="urgent")
    visit(vol2, household, 3, health="urgent")
    resolving = visit(vol2, household, 1)
    db(_forget_items)
    module = importlib.import_module("migrations.doorstep_2026_12_01t22_55_07_496351")
    db(_run_raw, module)
    [item] = db(_items, household)
    assert (item["area"], str(item["opened_by"])) == ("health", first["id"])
    assert str(item["proposed_by"]) == resolving["id"]


async def _forget_items() -> None:
    from server.followups.tables import FollowUp

    await FollowUp.delete(force=True)


async def _run_raw(module) -> None:
    manager = await module.forwards()
    for step in manager.raw:
        await step()

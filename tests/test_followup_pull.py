"""需要跟进 on the phones: every change to a follow-up reaches the pull of the volunteers
paired with its household, so the household page kept offline shows it as it is now."""

from __future__ import annotations

import pytest

from tests.admin_helpers import post_form
from tests.builders import correction_entry, push_results
from tests.pull_helpers import of_kind, pair, pull_all
from tests.review_helpers import NOW, small_village, visit


@pytest.fixture
def place(db):
    return db(small_village)


async def _item_id(household: int) -> int:
    from server.followups.tables import FollowUp

    row = await FollowUp.select(FollowUp.id).where(FollowUp.household == household).first()
    return row["id"]


def _follow_ups(client, cursor: str) -> dict[str, dict]:
    changes, _ = pull_all(client, cursor)
    return {c["id"]: c["data"] for c in of_kind(changes, "follow_up")}


def test_an_urgent_need_s_item_reaches_the_paired_volunteer_s_pull(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    _, cursor = pull_all(vol2)
    visit(vol2, household, 3, health="urgent")
    item = str(db(_item_id, household))
    pulled = _follow_ups(vol2, cursor)[item]
    assert (pulled["household_id"], pulled["area"], pulled["status"]) == (
        str(household),
        "health",
        "open",
    )


def test_closing_an_item_reaches_the_phones(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 3, health="urgent")
    item = db(_item_id, household)
    _, cursor = pull_all(vol2)
    closed = post_form(as_user("coord"), f"/followups/{item}/close", {"outcome": "已送药"})
    assert closed.status_code == 303
    pulled = _follow_ups(vol2, cursor)[str(item)]
    assert (pulled["household_id"], pulled["status"]) == (str(household), "closed")


def test_assigning_an_item_reaches_the_phones(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    visit(vol2, household, 3, health="urgent")
    item = db(_item_id, household)
    _, cursor = pull_all(vol2)
    form = {"volunteer": str(place["vol2"]), "partner": "大柳乡卫生院"}
    assert post_form(as_user("coord"), f"/followups/{item}/assign", form).status_code == 303
    pulled = _follow_ups(vol2, cursor)[str(item)]
    assert (pulled["status"], pulled["assignee"], pulled["partner"]) == (
        "open",
        "李红梅",
        "大柳乡卫生院",
    )


def test_an_item_withdrawn_by_a_correction_reaches_the_phones(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="urgent")
    item = db(_item_id, household)
    _, cursor = pull_all(vol2)
    void = correction_entry(wrong["id"], None, "走错了户", NOW.isoformat())
    assert push_results(vol2, [void])[0]["status"] == "accepted"
    assert _follow_ups(vol2, cursor)[str(item)]["status"] == "closed"


def test_a_volunteer_newly_paired_pulls_the_household_s_open_items(as_user, db, place):
    [household, *_] = place["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    item = str(db(_item_id, household))
    db(pair, "vol1", household)
    assert _follow_ups(as_user("vol1"), "")[item]["status"] == "open"

"""需要跟进 and corrections: the items a visit opened follow its corrected values; a void
withdraws them; every withdrawal is audited."""

from __future__ import annotations

import pytest

from tests.admin_helpers import audit_actions
from tests.builders import correction_entry, push_results
from tests.review_helpers import NOW, small_village, visit


@pytest.fixture
def place(db):
    return db(small_village)


async def _items(household: int) -> list[dict]:
    from server.followups.tables import FollowUp

    return await FollowUp.select().where(FollowUp.household == household).order_by(FollowUp.id)


def _correct(client, entry: dict, **needs: dict) -> dict:
    """Replace ``entry``'s needs (area=level; urgent gets a note) and push it."""
    data = {
        **entry["data"],
        "needs": {a: {"level": v, "note": f"{a} {v}"} for a, v in needs.items()},
    }
    fixed = correction_entry(entry["id"], data, "记错了", NOW.isoformat())
    [result] = push_results(client, [fixed])
    assert result["status"] == "accepted", result
    return fixed


def _open(items: list[dict]) -> list[tuple[str, str]]:
    return [(i["area"], str(i["opened_by"])) for i in items if i["status"] == "open"]


def test_a_correction_that_takes_back_the_urgent_need_withdraws_its_item(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="urgent")
    fixed = _correct(vol2, wrong, health="some")
    [item] = db(_items, household)
    assert (item["status"], str(item["withdrawn_by"])) == ("closed", fixed["id"])
    assert db(audit_actions, "follow_up", item["id"]) == ["follow_up.open", "follow_up.withdraw"]
    page = as_user("coord").get(f"/followups/{item['id']}").text
    assert "不再需要跟进" in page


def test_a_correction_that_adds_an_urgent_need_opens_an_item(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="some")
    assert db(_items, household) == []
    fixed = _correct(vol2, wrong, health="some", training="urgent")
    assert _open(db(_items, household)) == [("training", fixed["id"])]


def test_a_correction_keeping_the_need_keeps_the_item_with_its_new_note(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="urgent", livelihood="urgent")
    fixed = _correct(vol2, wrong, health="urgent")
    [health, livelihood] = db(_items, household)
    assert (health["status"], str(health["opened_by"])) == ("open", fixed["id"])
    assert health["note"] == "health urgent"
    assert (livelihood["status"], str(livelihood["withdrawn_by"])) == ("closed", fixed["id"])


def test_a_second_correction_follows_the_first(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="urgent")
    first = _correct(vol2, wrong, health="urgent")
    second = _correct(vol2, {**first, "data": wrong["data"]}, health="none")
    [item] = db(_items, household)
    assert (item["status"], str(item["withdrawn_by"])) == ("closed", second["id"])


def test_a_void_withdraws_every_item_the_visit_opened(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="urgent", follow_up="送药")
    void = correction_entry(wrong["id"], None, "走错了户", NOW.isoformat())
    assert push_results(vol2, [void])[0]["status"] == "accepted"
    items = db(_items, household)
    assert [(i["status"], str(i["withdrawn_by"])) for i in items] == [("closed", void["id"])] * 2
    for item in items:
        assert db(audit_actions, "follow_up", item["id"])[-1] == "follow_up.withdraw"


def test_a_correction_arriving_before_its_visit_ends_the_same(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    wrong = visit(vol2, household, 3, health="urgent")
    [item] = db(_items, household)
    db(_forget, wrong["id"], item["id"])
    data = {**wrong["data"], "needs": {"training": {"level": "urgent", "note": "想学电工"}}}
    fixed = correction_entry(wrong["id"], data, "记错了", NOW.isoformat())
    assert push_results(vol2, [fixed])[0]["status"] == "accepted"
    assert push_results(vol2, [wrong])[0]["status"] == "accepted"
    assert _open(db(_items, household)) == [("training", fixed["id"])]


async def _forget(entry_id: str, item_id: int) -> None:
    """As if the visit had never arrived (the correction then comes first)."""
    import uuid

    from server.audit.tables import AuditLog
    from server.entries.kinds.visit import Visit
    from server.entries.tables import Entry
    from server.followups.tables import FollowUp

    await AuditLog.delete().where(AuditLog.row_id == str(item_id))
    await FollowUp.delete().where(FollowUp.id == item_id)
    await Visit.delete().where(Visit.entry == uuid.UUID(entry_id))
    await Entry.delete().where(Entry.id == uuid.UUID(entry_id))


def test_correcting_a_later_visit_leaves_the_item_an_earlier_one_opened(as_user, db, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    first = visit(vol2, household, 6, health="urgent")
    later = visit(vol2, household, 2, health="urgent")
    _correct(vol2, later, health="some")
    assert _open(db(_items, household)) == [("health", first["id"])]

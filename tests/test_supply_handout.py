"""``supply_handout`` (物资): supplies from the catalogue to a household or to a group."""

from __future__ import annotations

from tests.builders import push_results
from tests.catalogue_helpers import item_ids, supply_entry
from tests.helpers import household_ids_of

SCHOOL = {"place": "华家河村小学", "people": 32, "description": "留守儿童"}


async def handouts() -> list[dict]:
    from server.entries.kinds.supply_handout import SupplyHandout, SupplyHandoutItem

    heads = await SupplyHandout.select().order_by(SupplyHandout.id)
    return heads + await SupplyHandoutItem.select().order_by(SupplyHandoutItem.id)


def test_a_handout_to_a_household_is_stored_with_each_item(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    items = db(item_ids, "supplies")
    lines = [
        {"item_id": items["棉袄"], "quantity": 1, "unit": "件"},
        {"item_id": items["写字本"], "quantity": 10},
    ]
    entry = supply_entry(household, items["棉袄"], items=lines, occasion="new_year")
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    head, *stored = db(handouts)
    assert (head["household"], head["occasion"], head["people"]) == (household, "new_year", None)
    assert [(str(r["item"]), r["quantity"]) for r in stored] == [
        (items["棉袄"], 1),
        (items["写字本"], 10),
    ]


def test_a_handout_to_a_group_at_a_school_keeps_the_place_and_how_many(vol1, db):
    notebook = db(item_ids, "supplies")["写字本"]
    entry = supply_entry(None, notebook, group=SCHOOL, occasion="other", occasion_note="六一")
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    head, _ = db(handouts)
    assert (head["household"], head["place"], head["people"], head["group"]) == (
        None,
        "华家河村小学",
        32,
        "留守儿童",
    )


def test_a_handout_to_both_or_to_nobody_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    notebook = db(item_ids, "supplies")["写字本"]
    results = push_results(
        vol1, [supply_entry(household, notebook, group=SCHOOL), supply_entry(None, notebook)]
    )
    assert [r["code"] for r in results] == ["recipient_required"] * 2
    assert db(handouts) == []


def test_an_invalid_quantity_is_refused_and_the_rest_of_the_batch_stored(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    notebook = db(item_ids, "supplies")["写字本"]
    push_results(vol1, [supply_entry(household, notebook)])
    before = db(handouts)
    bad = supply_entry(household, notebook, items=[{"item_id": notebook, "quantity": 0}])
    results = push_results(vol1, [bad, supply_entry(household, notebook)])
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "bad_quantity"),
        ("accepted", ""),
    ]
    after = db(handouts)
    assert [r for r in after if r in before] == before
    assert len(after) == len(before) + 2


def test_unknown_and_foreign_items_are_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    results = push_results(vol1, [supply_entry(household, "777777"), supply_entry(household, tea)])
    assert [r["code"] for r in results] == ["unknown_item", "wrong_catalogue"]


def test_an_unknown_occasion_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    notebook = db(item_ids, "supplies")["写字本"]
    [result] = push_results(vol1, [supply_entry(household, notebook, occasion="birthday")])
    assert (result["status"], result["code"]) == ("rejected", "invalid_data")


def test_a_household_never_in_scope_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol3")
    notebook = db(item_ids, "supplies")["写字本"]
    [result] = push_results(vol1, [supply_entry(household, notebook)])
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")

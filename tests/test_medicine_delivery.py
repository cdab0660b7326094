"""``medicine_delivery`` (送药): medicine from the catalogue taken to a household member."""

from __future__ import annotations

from tests.builders import push_results
from tests.catalogue_helpers import item_ids, medicine_entry, member_ids
from tests.helpers import household_ids_of


async def heads() -> list[dict]:
    from server.entries.kinds.medicine_delivery import MedicineDelivery

    return await MedicineDelivery.select().order_by(MedicineDelivery.id)


async def lines() -> list[dict]:
    from server.entries.kinds.medicine_delivery import MedicineDeliveryItem

    return await MedicineDeliveryItem.select().order_by(MedicineDeliveryItem.id)


async def deliveries() -> list[dict]:
    return await heads() + await lines()


async def retire(item_id: str) -> None:
    from server.catalogues.tables import CatalogueItem

    await CatalogueItem.update({CatalogueItem.retired: True}).where(
        CatalogueItem.id == int(item_id)
    )


def _setup(db, username="vol1"):
    [household, *_] = db(household_ids_of, username)
    member = db(member_ids, household)[0]
    medicine = db(item_ids, "medicine")["硝苯地平缓释片"]
    return household, member, medicine


def test_a_delivery_is_stored_with_its_member_and_each_medicine(vol1, db):
    household, member, medicine = _setup(db)
    line = {
        "item_id": medicine,
        "quantity": 2,
        "unit": "盒",
        "lot": "B2026",
        "dose": "每日一次",
        "days_supply": 56,
        "expiry_date": "2028-08-14",
        "trace_code": "81234560012345678901",
    }
    entry = medicine_entry(household, member, medicine, items=[line], hospital="柳陂镇卫生院")
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    [head] = db(heads)
    [stored] = db(lines)
    assert (head["household"], str(head["member"]), head["hospital"]) == (
        household,
        member,
        "柳陂镇卫生院",
    )
    assert (str(stored["item"]), stored["quantity"], stored["days_supply"]) == (medicine, 2, 56)
    assert (stored["trace_code"], str(stored["expiry_date"])) == (
        "81234560012345678901",
        "2028-08-14",
    )


def test_a_member_of_another_household_is_refused_and_the_rest_stored(vol1, db):
    household, member, medicine = _setup(db)
    other = db(household_ids_of, "vol1")[1]
    stranger = db(member_ids, other)[0]
    push_results(vol1, [medicine_entry(household, member, medicine)])
    before = db(deliveries)
    bad = medicine_entry(household, stranger, medicine)
    good = medicine_entry(other, stranger, medicine)
    results = push_results(vol1, [bad, good])
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "member_not_in_household"),
        ("accepted", ""),
    ]
    assert results[0]["error"] == "领取人不是该户的家庭成员。"
    after = db(deliveries)
    assert [r for r in after if r in before] == before
    assert len(after) == len(before) + 2


def test_a_quantity_of_nothing_or_beyond_bounds_is_refused(vol1, db):
    household, member, medicine = _setup(db)
    entries = [
        medicine_entry(household, member, medicine, items=[{"item_id": medicine, "quantity": q}])
        for q in (0, -1, 100_001, 1.5)
    ]
    results = push_results(vol1, entries)
    assert [r["code"] for r in results] == ["bad_quantity"] * 4
    assert "items[0].quantity" in results[0]["error"]
    assert db(deliveries) == []


def test_an_unknown_medicine_or_a_supply_item_is_refused(vol1, db):
    household, member, medicine = _setup(db)
    notebook = db(item_ids, "supplies")["写字本"]
    lines = [{"item_id": medicine, "quantity": 1}, {"item_id": notebook, "quantity": 1}]
    results = push_results(
        vol1,
        [
            medicine_entry(household, member, "424242"),
            medicine_entry(household, member, medicine, items=lines),
        ],
    )
    assert [(r["code"]) for r in results] == ["unknown_item", "wrong_catalogue"]
    assert "items[1].item_id" in results[1]["error"]


def test_a_retired_medicine_is_still_valid_for_an_entry(vol1, db):
    household, member, medicine = _setup(db)
    db(retire, medicine)
    [result] = push_results(vol1, [medicine_entry(household, member, medicine)])
    assert result["status"] == "accepted"


def test_an_impossible_or_passed_expiry_date_is_refused(vol1, db):
    household, member, medicine = _setup(db)
    line = {"item_id": medicine, "quantity": 1}
    results = push_results(
        vol1,
        [
            medicine_entry(
                household, member, medicine, items=[{**line, "expiry_date": "2027-02-30"}]
            ),
            medicine_entry(
                household, member, medicine, items=[{**line, "expiry_date": "2026-11-19"}]
            ),
        ],
    )
    assert [r["code"] for r in results] == ["bad_date", "medicine_expired"]


def test_a_traceability_code_with_other_characters_is_refused(vol1, db):
    household, member, medicine = _setup(db)
    line = {"item_id": medicine, "quantity": 1, "trace_code": "8123 4560"}
    [result] = push_results(vol1, [medicine_entry(household, member, medicine, items=[line])])
    assert (result["status"], result["code"]) == ("rejected", "bad_trace_code")


def test_a_household_never_in_scope_is_refused(vol1, db):
    household, member, medicine = _setup(db, "vol3")
    [result] = push_results(vol1, [medicine_entry(household, member, medicine)])
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")

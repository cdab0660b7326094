"""The 送药, 物资 and 购买 forms posted without JavaScript (the same entries as the phone's)."""

from __future__ import annotations

from tests.catalogue_helpers import item_ids, member_ids
from tests.helpers import errors_in, household_ids_of
from tests.support import csrf, form_fields


def form(client, path: str) -> dict[str, str]:
    response = client.get(path)
    assert response.status_code == 200
    return {**form_fields(response.text), "_csrf_token": csrf(client)}


async def stored(table_name: str) -> list[dict]:
    from server.entries.kinds.medicine_delivery import MedicineDelivery
    from server.entries.kinds.purchase import Purchase
    from server.entries.kinds.supply_handout import SupplyHandout

    table = {"purchase": Purchase, "medicine": MedicineDelivery, "supply": SupplyHandout}
    return await table[table_name].select()


def test_the_purchase_form_takes_yuan_and_stores_whole_fen_once(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = form(vol1, f"/households/{household}/purchase")
    fields.update(
        item_id=db(item_ids, "products")["蜂蜜"], quantity="2.5", unit="斤", amount="12.5"
    )
    first = vol1.post(f"/households/{household}/purchase", data=fields, follow_redirects=False)
    again = vol1.post(f"/households/{household}/purchase", data=fields, follow_redirects=False)
    assert first.headers["location"] == f"/households/{household}?saved=accepted"
    assert again.headers["location"] == f"/households/{household}?saved=duplicate"
    [row] = db(stored, "purchase")
    assert (row["amount_fen"], row["quantity"]) == (1250, 2.5)


def test_an_amount_with_a_fraction_of_a_fen_is_refused_on_the_form(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = form(vol1, f"/households/{household}/purchase")
    fields.update(item_id=db(item_ids, "products")["蜂蜜"], quantity="1", amount="12.505")
    response = vol1.post(f"/households/{household}/purchase", data=fields)
    assert response.status_code == 422
    assert "金额必须是整分（以元计最多两位小数）。" in errors_in(response.text)
    assert 'value="12.505"' in response.text
    assert db(stored, "purchase") == []


def test_the_medicine_form_offers_the_members_and_medicines_in_use(vol1, as_user, db):
    [household, *_] = db(household_ids_of, "vol1")
    medicines = db(item_ids, "medicine")
    coord = as_user("coord")
    coord.post(
        f"/admin/catalogues/medicine/{medicines['布洛芬缓释胶囊']}/retire",
        data={"_csrf_token": csrf(coord)},
    )
    page = vol1.get(f"/households/{household}/medicine").text
    assert "硝苯地平缓释片" in page
    assert "布洛芬缓释胶囊" not in page
    assert all(m in page for m in db(member_ids, household))


def test_the_medicine_form_stores_a_delivery_to_the_chosen_member(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    member = db(member_ids, household)[0]
    fields = form(vol1, f"/households/{household}/medicine")
    fields.update(
        {
            "member_id": member,
            "items.0.item_id": db(item_ids, "medicine")["二甲双胍片"],
            "items.0.quantity": "3",
            "items.0.trace_code": "81234560012345678901",
        }
    )
    response = vol1.post(f"/households/{household}/medicine", data=fields, follow_redirects=False)
    assert response.status_code == 303
    [row] = db(stored, "medicine")
    assert str(row["member"]) == member


def test_a_medicine_form_without_any_medicine_says_so(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = form(vol1, f"/households/{household}/medicine")
    fields["member_id"] = db(member_ids, household)[0]
    response = vol1.post(f"/households/{household}/medicine", data=fields)
    assert response.status_code == 422
    assert "请至少选择一项并填写数量。" in errors_in(response.text)


def test_the_group_form_stores_a_handout_to_a_school(vol1, db):
    fields = form(vol1, "/handouts/group")
    fields.update(
        {
            "place": "华家河村小学",
            "people": "32",
            "description": "留守儿童",
            "items.0.item_id": db(item_ids, "supplies")["书包"],
            "items.0.quantity": "32",
            "occasion": "new_year",
        }
    )
    response = vol1.post("/handouts/group", data=fields, follow_redirects=False)
    assert response.headers["location"] == "/handouts/group?saved=accepted"
    [row] = db(stored, "supply")
    assert (row["household"], row["people"], row["occasion"]) == (None, 32, "new_year")


def test_the_household_supplies_form_stores_a_handout(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = form(vol1, f"/households/{household}/supplies")
    fields.update(
        {
            "items.0.item_id": db(item_ids, "supplies")["棉袄"],
            "items.0.quantity": "1",
            "occasion": "pairing",
        }
    )
    response = vol1.post(f"/households/{household}/supplies", data=fields, follow_redirects=False)
    assert response.status_code == 303
    [row] = db(stored, "supply")
    assert (row["household"], row["occasion"]) == (household, "pairing")


def test_another_volunteers_household_has_no_forms(vol1, db):
    [household, *_] = db(household_ids_of, "vol3")
    for form_path in ("medicine", "supplies", "purchase"):
        assert vol1.get(f"/households/{household}/{form_path}").status_code == 404

"""``purchase`` (消费扶贫): produce bought from a household, paid in whole fen."""

from __future__ import annotations

from tests.builders import push_results
from tests.catalogue_helpers import item_ids, purchase_entry
from tests.helpers import household_ids_of


async def purchases() -> list[dict]:
    from server.entries.kinds.purchase import Purchase

    return await Purchase.select().order_by(Purchase.id)


def test_a_purchase_is_stored_with_its_amount_in_fen(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    [result] = push_results(vol1, [purchase_entry(household, tea, amount_fen=12550)])
    assert result["status"] == "accepted"
    [row] = db(purchases)
    assert (row["household"], str(row["item"]), row["amount_fen"]) == (household, tea, 12550)
    assert (row["quantity"], row["unit"]) == (2.5, "斤")


def test_a_fraction_of_a_fen_is_refused_and_the_rest_of_the_batch_stored(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    earlier = purchase_entry(household, tea)
    push_results(vol1, [earlier])
    before = db(purchases)
    bad = purchase_entry(household, tea, amount_fen=1250.5)
    good = purchase_entry(household, tea)
    results = push_results(vol1, [bad, good])
    assert [r["status"] for r in results] == ["rejected", "accepted"]
    assert results[0]["code"] == "amount_not_whole_fen"
    assert results[0]["error"] == "金额必须是整分（以元计最多两位小数）。"
    after = db(purchases)
    assert after[: len(before)] == before
    assert len(after) == len(before) + 1


def test_an_amount_of_nothing_or_beyond_bounds_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    entries = [purchase_entry(household, tea, amount_fen=n) for n in (0, -5, 10_000_001)]
    assert {r["code"] for r in push_results(vol1, entries)} == {"bad_amount"}
    assert db(purchases) == []


def test_a_quantity_of_nothing_is_refused_as_such(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    [result] = push_results(vol1, [purchase_entry(household, tea, quantity=0)])
    assert (result["status"], result["code"]) == ("rejected", "bad_quantity")
    assert "数量" in result["error"]


def test_a_product_not_in_the_catalogue_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    [result] = push_results(vol1, [purchase_entry(household, "999999")])
    assert (result["status"], result["code"]) == ("rejected", "unknown_item")


def test_an_item_of_another_catalogue_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    notebook = db(item_ids, "supplies")["写字本"]
    [result] = push_results(vol1, [purchase_entry(household, notebook)])
    assert (result["status"], result["code"]) == ("rejected", "wrong_catalogue")


def test_a_household_never_in_scope_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol3")
    tea = db(item_ids, "products")["绿茶"]
    [result] = push_results(vol1, [purchase_entry(household, tea)])
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")
    assert db(purchases) == []


def test_a_purchase_time_after_its_save_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    entry = purchase_entry(household, tea, bought_at="2026-11-25T10:00:00+08:00")
    [result] = push_results(vol1, [entry])
    assert (result["status"], result["code"]) == ("rejected", "event_after_save")


def test_a_correction_replaces_a_purchase_and_its_new_product_is_checked(vol1, db):
    from tests.builders import correction_entry

    [household, *_] = db(household_ids_of, "vol1")
    products = db(item_ids, "products")
    first = purchase_entry(household, products["绿茶"])
    push_results(vol1, [first])
    fixed = {**first["data"], "item_id": products["蜂蜜"], "amount_fen": 3000}
    foreign = {**first["data"], "item_id": db(item_ids, "supplies")["写字本"]}
    results = push_results(
        vol1, [correction_entry(first["id"], foreign), correction_entry(first["id"], fixed)]
    )
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "wrong_catalogue"),
        ("accepted", ""),
    ]
    assert [(str(r["item"]), r["amount_fen"]) for r in db(purchases)] == [
        (products["绿茶"], 1250),
        (products["蜂蜜"], 3000),
    ]


def test_the_household_page_offers_buying_and_names_a_purchase_by_its_programme(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = next(iter(db(item_ids, "products").values()))
    push_results(vol1, [purchase_entry(household, tea)])
    page = vol1.get(f"/households/{household}").text
    assert f'<a class="button" href="/households/{household}/purchase">购买</a>' in page
    assert '<p class="kind-label"><strong>消费扶贫购买</strong>' in page

"""The household page lists every kind of entry about the household, with its latest values."""

from __future__ import annotations

import re

from tests.builders import correction_entry, jpeg_bytes, listed, push_results, put_file, visit_entry
from tests.catalogue_helpers import (
    item_ids,
    medicine_entry,
    member_ids,
    purchase_entry,
    supply_entry,
)
from tests.helpers import household_ids_of


def history(client, household: int) -> list[str]:
    """The rows of the page's history, as text (tags dropped, spaces folded)."""
    page = client.get(f"/households/{household}").text
    section = page.split('id="visit-history"', 1)[1].split("</ol>", 1)[0]
    rows = re.findall(
        r"<li class=\"row ([^\"]*)\"[^>]*>(.*?)</li>\s*(?=<li class=\"row|$)", section, re.S
    )
    return [f"{cls} | " + " ".join(re.sub(r"<[^>]+>", " ", body).split()) for cls, body in rows]


def test_a_medicine_delivery_shows_each_medicine_with_its_quantity(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    medicines = db(item_ids, "medicine")
    name = next(iter(medicines))
    [member, *_] = db(member_ids, household)
    entry = medicine_entry(household, member, medicines[name], hospital="柳陂镇卫生院")
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    [row] = [r for r in history(vol1, household) if "medicine_delivery" in r]
    assert "送药" in row and name in row and "柳陂镇卫生院" in row


def test_a_supply_handout_shows_its_items_and_occasion(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    books = db(item_ids, "supplies")["写字本"]
    entry = supply_entry(household, books, occasion="new_year")
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    [row] = [r for r in history(vol1, household) if "supply_handout" in r]
    assert "写字本" in row and "博爱送万家" in row


def test_a_purchase_shows_its_amount_in_yuan(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    assert push_results(vol1, [purchase_entry(household, tea, amount_fen=4560)])[0]["status"] == (
        "accepted"
    )
    [row] = [r for r in history(vol1, household) if "purchase" in r]
    assert "绿茶" in row and "¥45.60" in row


def test_a_corrected_purchase_shows_only_its_latest_values(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    tea = db(item_ids, "products")["绿茶"]
    first = purchase_entry(household, tea, amount_fen=1000)
    push_results(vol1, [first])
    push_results(vol1, [correction_entry(first["id"], {**first["data"], "amount_fen": 2005})])
    rows = [r for r in history(vol1, household) if "purchase" in r]
    assert len(rows) == 1 and "¥20.05" in rows[0] and "¥10.00" not in rows[0]


def test_a_voided_handout_is_shown_struck_through_and_says_so(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    books = db(item_ids, "supplies")["写字本"]
    first = supply_entry(household, books)
    push_results(vol1, [first])
    push_results(vol1, [correction_entry(first["id"], None, reason="记错了户")])
    [row] = [r for r in history(vol1, household) if "supply_handout" in r]
    assert row.startswith("supply_handout voided") and "已作废" in row


def test_my_record_shows_each_kind_with_its_catalogue_names_and_amount(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    medicines = db(item_ids, "medicine")
    name = next(iter(medicines))
    [member, *_] = db(member_ids, household)
    entries = [
        medicine_entry(household, member, medicines[name]),
        supply_entry(household, db(item_ids, "supplies")["写字本"]),
        purchase_entry(household, db(item_ids, "products")["绿茶"], amount_fen=4560),
    ]
    assert [r["status"] for r in push_results(vol1, entries)] == ["accepted"] * 3
    page = " ".join(re.sub(r"<[^>]+>", " ", vol1.get("/me").text).split())
    assert name in page and "写字本 × 10" in page and "绿茶 × 2.5斤 · ¥45.60" in page


def test_my_record_shows_the_photo_an_entry_carries_and_only_its_author_reads_it(vol1, as_user, db):
    [household, *_] = db(household_ids_of, "vol1")
    photo = jpeg_bytes()
    entry = {**visit_entry(household), "attachments": [listed("photo", photo)]}
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    assert put_file(vol1, entry["id"], "photo", photo).status_code == 200
    src = f"/api/sync/attachments/{entry['id']}/photo"
    assert f'src="{src}"' in vol1.get("/me").text
    assert vol1.get(src).content == photo
    assert as_user("vol2").get(src).status_code == 404

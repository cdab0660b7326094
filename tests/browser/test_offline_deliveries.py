"""送药, 物资 and 购买 recorded with no network through their real forms, stored exactly once."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.phone import SAVED, stored_entries
from tests.catalogue_helpers import item_ids, member_ids
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def save(phone, form_id: str) -> None:
    phone.page.locator("#status").evaluate("el => { el.textContent = '' }")
    phone.page.click(f"#{form_id} button[type=submit]")
    expect(phone.page.locator("#status")).to_have_text(SAVED)


def test_a_delivery_a_handout_and_a_purchase_saved_offline_are_stored_once(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    member = db(member_ids, household)[0]
    before = {r["id"] for r in db(stored_entries)}
    phone.log_in("vol1")
    phone.wait_for_worker()
    for form in ("medicine", "supplies", "purchase"):
        phone.open(f"/households/{household}/{form}")
    context.set_offline(True)
    assert phone.open(f"/households/{household}/medicine").from_service_worker
    phone.page.select_option("#f-member_id", member)
    phone.page.select_option("#f-items-0-item_id", db(item_ids, "medicine")["二甲双胍片"])
    expect(phone.page.locator("#f-items-0-unit")).to_have_value("盒")  # from the catalogue
    phone.page.fill("#f-items-0-quantity", "2")
    save(phone, "medicine-form")
    phone.open(f"/households/{household}/supplies")
    phone.page.select_option("#f-items-0-item_id", db(item_ids, "supplies")["棉袄"])
    phone.page.fill("#f-items-0-quantity", "1")
    save(phone, "supplies-form")
    phone.open(f"/households/{household}/purchase")
    phone.page.select_option("#f-item_id", db(item_ids, "products")["核桃"])
    phone.page.fill("#f-quantity", "3")
    phone.page.fill("#f-amount", "12.505")
    phone.page.click("#purchase-form button[type=submit]")
    expect(phone.page.locator("#err-amount")).to_contain_text("整分")  # refused before saving
    phone.page.fill("#f-amount", "45.60")
    save(phone, "purchase-form")
    assert len(phone.waiting()) == 3
    assert {r["id"] for r in db(stored_entries)} == before
    context.set_offline(False)
    phone.wait_until_drained()
    stored = [r for r in db(stored_entries) if r["id"] not in before]
    assert sorted(r["kind"] for r in stored) == ["medicine_delivery", "purchase", "supply_handout"]
    assert sorted(r["id"] for r in stored) == sorted(r["id"] for r in phone.outbox())
    [purchase] = [json.loads(r["body"]) for r in stored if r["kind"] == "purchase"]
    assert purchase["data"]["amount_fen"] == 4560

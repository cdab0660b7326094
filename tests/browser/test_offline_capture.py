"""Capturing visits with no network, and their exactly-once trip to the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import stored_entries, visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def test_visits_captured_offline_reach_the_server_exactly_once(phone, context, db, errors):
    households = db(household_ids_of, "vol1")[:4]
    before = {r["id"] for r in db(stored_entries)}
    phone.log_in("vol1")
    phone.wait_for_worker()
    for household in households:  # the volunteer opens the forms while there is signal
        phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    assert phone.page.reload().from_service_worker
    assert phone.page.evaluate("typeof htmx") == "object"  # from the worker's own cache
    for n in range(20):
        phone.record_visit(households[n % 4], note=f"visit {n}")
    assert len(phone.waiting()) == 20
    expect(phone.page.locator("#pending-count")).to_have_text("20")
    assert {r["id"] for r in db(stored_entries)} == before
    context.set_offline(False)
    phone.wait_until_drained()
    stored = [r for r in db(stored_entries) if r["id"] not in before]
    sent = {r["id"] for r in phone.outbox()}
    assert sorted(r["id"] for r in stored) == sorted(sent)
    assert len(stored) == 20
    assert {r["account"] for r in stored} == {"vol1"}
    expect(phone.page.locator("#pending-count")).to_have_text("0")
    expect(phone.page.locator("#last-sync")).to_contain_text("上次同步")
    assert errors == []


QUOTA_EXCEEDED = """
(() => {
  for (const name of ["add", "put"]) {
    const original = IDBObjectStore.prototype[name];
    IDBObjectStore.prototype[name] = function (...args) {
      if (this.name === "entries") {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return original.apply(this, args);
    };
  }
})();
"""


def test_a_visit_the_phone_cannot_store_says_not_saved(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    context.add_init_script(QUOTA_EXCEEDED)
    phone.open(f"/households/{household}/visit")
    phone.fill_visit("头晕")
    phone.save()
    error = phone.page.locator("#err-form")
    expect(error).to_contain_text("未保存")
    expect(error).to_contain_text("QuotaExceededError")
    expect(phone.page.locator("#status")).not_to_contain_text("已保存")
    expect(phone.page.locator("#note-health")).to_have_value("头晕")  # nothing typed is lost
    assert phone.outbox() == []


def test_the_form_is_checked_on_the_phone_before_saving(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.page.check("[name='needs.health.level'][value=urgent]")
    phone.save()
    expect(phone.page.locator("#err-needs-health-note")).to_have_text("请说明急需的内容。")
    expect(phone.page.locator("#note-health")).to_have_attribute("aria-invalid", "true")
    assert phone.outbox() == []


def test_the_worker_keeps_a_form_post_the_page_script_did_not_take(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.fill_visit("咳嗽")
    form_id = phone.page.input_value("[name=entry_id]")
    with phone.page.expect_navigation():
        # form.submit() fires no submit event: the page script never sees it.
        phone.page.evaluate("document.getElementById('visit-form').submit()")
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")
    [record] = phone.waiting()
    assert record["id"] == form_id
    assert record["data"]["needs"]["health"] == {"level": "some", "note": "咳嗽"}
    context.set_offline(False)
    phone.wait_until_drained()
    assert db(visits_of, [form_id]) == 1

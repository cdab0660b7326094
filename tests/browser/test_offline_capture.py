"""Capturing visits with no network, and their exactly-once trip to the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import stored_entries
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
    assert phone.open("/").from_service_worker
    for n in range(20):
        phone.record_visit(households[n % 4], note=f"visit {n}")
    assert len(phone.waiting()) == 20
    assert {r["id"] for r in db(stored_entries)} == before
    context.set_offline(False)
    phone.wait_until_drained()
    stored = [r for r in db(stored_entries) if r["id"] not in before]
    sent = {r["id"] for r in phone.outbox()}
    assert sorted(r["id"] for r in stored) == sorted(sent)
    assert len(stored) == 20
    assert {r["account"] for r in stored} == {"vol1"}
    expect(phone.page.locator("#pending-count")).to_have_text("0")
    assert errors == []

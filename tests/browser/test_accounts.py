"""Sessions that expire offline, and phones shared by several volunteers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import end_sessions, receipts, visits_of
from tests.helpers import household_ids_of
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _capture_offline(phone, context, household: int, count: int) -> list[str]:
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    for n in range(count):
        phone.record_visit(household, note=f"offline {n}")
    return [r["id"] for r in phone.waiting()]


def test_a_session_that_expired_offline_drains_after_logging_in_again(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    ids = _capture_offline(phone, context, household, 2)
    db(end_sessions, "vol1")
    context.set_offline(False)
    notice = phone.page.locator("#notice-login")
    expect(notice).to_be_visible()
    assert sorted(r["id"] for r in phone.waiting()) == sorted(ids)
    assert db(visits_of, ids) == 0
    with phone.page.expect_navigation():
        notice.get_by_role("link").click()
    phone.page.fill("#username", "vol1")
    phone.page.fill("#password", DEMO_PASSWORD)
    with phone.page.expect_navigation():
        phone.page.click("button[type=submit]")
    phone.wait_until_drained()
    assert db(visits_of, ids) == 2
    expect(notice).to_be_hidden()


def test_on_a_shared_phone_each_account_sends_only_its_own_entries(phone, context, db):
    [first_household, *_] = db(household_ids_of, "vol1")
    [second_household, *_] = db(household_ids_of, "vol2")
    phone.log_in("vol1")
    phone.wait_for_worker()
    first = _capture_offline(phone, context, first_household, 2)
    db(end_sessions, "vol1")  # vol1's session ends; vol2 borrows the phone
    context.set_offline(False)
    phone.log_in("vol2")
    phone.record_visit(second_household, note="vol2's visit")
    phone.wait_for(lambda: len(phone.waiting()) == 2)  # vol2's went up, vol1's wait
    second = [r["id"] for r in phone.outbox() if r["id"] not in first]
    phone.log_out()
    phone.log_in("vol1")
    phone.wait_until_drained()
    assert phone.waiting() == []
    received = db(receipts, first + second)
    assert {r["id"]: r["account"] for r in received} == {
        **dict.fromkeys(first, "vol1"),
        **dict.fromkeys(second, "vol2"),
    }
    assert len(received) == 3

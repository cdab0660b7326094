"""Correcting and voiding a synced visit with no network, and 我的记录 read offline: each
correction reaches the server once, through the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.phone import SAVED, receipts
from tests.browser.test_offline_reading import logged_in
from tests.builders import visit_entry
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


async def stored_visit(username: str, household: int, note: str) -> str:
    """A visit of ``username`` stored through the ingest path (synced before the test)."""
    from server.accounts.tables import Account
    from server.actor import Actor
    from server.entries import service

    row = await Account.select().where(Account.username == username).first()
    actor = Actor(row["id"], username, row["display_name"], row["role"], row["team"], None)
    now = dt.datetime.now(dt.UTC).isoformat()
    entry = visit_entry(household, now, needs={"health": {"level": "some", "note": note}})
    [result] = await service.ingest(actor, [entry], "zh_CN")
    assert result.status == "accepted"
    return entry["id"]


async def corrections_of(entry_id: str) -> list[dict]:
    """The corrections stored for an entry, and whether it is voided now."""
    import uuid

    from server.entries.tables import Entry

    rows = await Entry.select(Entry.id).where(Entry.supersedes == uuid.UUID(entry_id))
    target = await Entry.select(Entry.voided).where(Entry.id == uuid.UUID(entry_id)).first()
    return [{"id": str(r["id"]), "voided": target["voided"]} for r in rows]


async def latest_note(household: int) -> str:
    from server.entries.kinds import visit_history

    return (await visit_history.last_visits([household]))[household]["health_note"]


def test_a_visit_corrected_offline_from_my_record_reaches_the_server_once(phone, context, db):
    household = db(household_ids_of, "vol1")[0]
    original = db(stored_visit, "vol1", household, "原来的需求")
    logged_in(phone)
    context.set_offline(True)
    phone.open("/me")
    row = phone.page.locator(f"#my-entries [data-entry='{original}']")
    row.locator("summary").click()
    phone.open(row.locator("a.correct-link").get_attribute("href"))
    expect(phone.page.locator("#correction-box")).to_be_visible()
    expect(phone.page.locator("#note-health")).to_have_value("原来的需求")
    phone.page.fill("#note-health", "改过的需求")
    phone.save()
    expect(phone.page.locator("#status")).to_have_text(SAVED)
    context.set_offline(False)
    phone.wait_until_drained()
    [correction] = db(corrections_of, original)
    assert len(db(receipts, [correction["id"]])) == 1
    assert db(latest_note, household) == "改过的需求"


def test_a_visit_voided_offline_from_the_household_page_reaches_the_server_once(phone, context, db):
    household = db(household_ids_of, "vol1")[0]
    original = db(stored_visit, "vol1", household, "走错了户")
    logged_in(phone)
    context.set_offline(True)
    phone.open(f"/households/{household}")
    row = phone.page.locator(f"#visit-history [data-entry='{original}']")
    row.locator("details.void summary").click()
    row.locator("[name=reason]").fill("走错了户")
    row.locator(".void-form button[type=submit]").click()
    expect(row.locator(".correction-mark")).to_have_text("作废待同步")
    context.set_offline(False)
    phone.wait_until_drained()
    [correction] = db(corrections_of, original)
    assert correction["voided"] is True
    assert len(db(receipts, [correction["id"]])) == 1


def test_my_record_offline_shows_an_entry_still_waiting_marked(phone, context, db):
    household = db(household_ids_of, "vol1")[0]
    logged_in(phone)
    context.set_offline(True)
    phone.record_visit(household, note="还没发出")
    phone.open("/me")
    pending = phone.page.locator("#my-entries [data-pending]")
    expect(pending).to_have_count(1)
    expect(pending).to_contain_text("待同步")

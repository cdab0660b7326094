"""A volunteer's open follow-ups stay on the household page kept for offline reading."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_offline_reading import logged_in, sync_now
from tests.builders import visit_entry
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser

NOTE = "降压药快吃完了，请送药"


async def _urgent_visit(household: int) -> None:
    from server.accounts import service as accounts
    from server.entries import service as entries
    from tests.admin_helpers import account_id

    actor = await accounts.load_actor(await account_id("vol1"))
    urgent = {"health": {"level": "urgent", "note": NOTE}}
    [result] = await entries.ingest(actor, [visit_entry(household, needs=urgent)], "zh_CN")
    assert result.status == "accepted"


def test_the_open_follow_ups_of_a_household_show_on_its_page_offline(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    db(_urgent_visit, household)
    logged_in(phone)
    context.set_offline(True)
    assert phone.open(f"/households/{household}").from_service_worker
    expect(phone.page.locator("#open-followups")).to_contain_text(NOTE)


async def _close_items(household: int) -> None:
    from server.accounts import service as accounts
    from server.followups import service as followups
    from server.followups.tables import FollowUp
    from tests.admin_helpers import account_id

    coordinator = await accounts.load_actor(await account_id("coord"))
    for item in await FollowUp.select(FollowUp.id).where(FollowUp.household == household):
        assert await followups.close(coordinator, item["id"], "镇卫生院已送药") == "ok"


def test_a_follow_up_closed_on_the_server_leaves_the_page_kept_offline(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    db(_urgent_visit, household)
    logged_in(phone)
    db(_close_items, household)
    sync_now(phone)
    context.set_offline(True)
    assert phone.open(f"/households/{household}").from_service_worker
    expect(phone.page.locator("#visit-history")).to_be_attached()
    expect(phone.page.locator("#open-followups")).to_have_count(0)

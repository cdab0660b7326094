"""活动 with no network: the list and an activity's page open from what the last sync kept;
a sign-up saved offline for an activity that filled up meanwhile lands on the waiting list
once it syncs, and the volunteer is told why."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.activity_helpers import an_activity
from tests.browser.phone import SAVED
from tests.browser.test_offline_reading import logged_in

pytestmark = pytest.mark.browser


async def _take_place(activity_id: int, username: str) -> None:
    """``username`` signs up from their own phone (the last place goes to them)."""
    from server.accounts.service import load_actor
    from server.accounts.tables import Account
    from server.entries.service import ingest
    from tests.activity_helpers import signup_entry

    account = await Account.select(Account.id).where(Account.username == username).first()
    actor = await load_actor(account["id"])
    [result] = await ingest(actor, [signup_entry(activity_id)], "zh_CN", "their-phone")
    assert (result.status, result.code) == ("accepted", "")


def test_the_activities_list_and_page_open_offline(phone, context, db):
    activity = db(an_activity, {"title": "无偿献血志愿服务日", "kind": "blood_donation"})
    logged_in(phone, "vol2")
    context.set_offline(True)
    phone.open("/activities")
    item = phone.page.locator(f"#activity-list li[data-activity='{activity}']")
    expect(item).to_contain_text("无偿献血志愿服务日")
    item.locator("a").click()
    expect(phone.page.locator("h1")).to_have_text("无偿献血志愿服务日")
    expect(phone.page.locator("#signup-form button")).to_have_text("报名")


def test_an_offline_sign_up_for_a_full_activity_waits_and_says_why(phone, context, db, errors):
    activity = db(an_activity, {"capacity": 1})
    logged_in(phone, "vol2")
    context.set_offline(True)
    phone.open(f"/activities/{activity}")
    phone.page.click("#signup-form button")
    expect(phone.page.locator("#status")).to_have_text(SAVED)
    expect(phone.page.locator("#pending-signup")).to_be_visible()
    db(_take_place, activity, "vol1")  # meanwhile the last place went to someone else
    context.set_offline(False)
    expect(phone.page.locator("#status")).to_contain_text("您在候补名单第 1 位", timeout=20_000)
    phone.open(f"/activities/{activity}")
    standing = phone.page.locator("#standing")
    expect(standing).to_contain_text("候补第 1 位")
    expect(standing).to_contain_text("报名送达时 1 个名额已满")
    assert [r["state"] for r in phone.outbox()] == ["synced"]
    assert errors == []

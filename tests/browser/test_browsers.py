"""Browsers that cannot keep entries offline still work online, and say how to do better."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.phone import stored_entries
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50(0x1800322d) NetType/WIFI"
)
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_without_a_service_worker_a_visit_goes_straight_to_the_server(other_phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = len(db(stored_entries))
    phone = other_phone(service_workers="block")
    phone.log_in("vol1")
    expect(phone.page.locator("#notice-no-worker")).to_be_visible()
    phone.open(f"/households/{household}/visit")
    phone.fill_visit("腰疼")
    phone.save()
    expect(phone.page.locator("#status")).to_have_text("已保存。")
    assert len(db(stored_entries)) == before + 1


def test_wechats_browser_explains_how_to_open_the_app_in_the_phones_browser(other_phone):
    phone = other_phone(user_agent=WECHAT)
    phone.open("/login")
    expect(phone.page.locator("#notice-wechat")).to_be_visible()
    expect(phone.page.locator("#notice-wechat")).to_contain_text("在浏览器打开")
    expect(phone.page.locator("#notice-ios")).to_be_hidden()


def test_safari_on_an_iphone_asks_to_add_the_app_to_the_home_screen_first(other_phone):
    phone = other_phone(user_agent=SAFARI)
    phone.open("/login")
    expect(phone.page.locator("#notice-ios")).to_be_visible()
    expect(phone.page.locator("#notice-ios")).to_contain_text("添加到主屏幕")

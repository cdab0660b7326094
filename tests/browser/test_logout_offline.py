"""Logging out with no network: the phone says the logout finishes once online (not the
browser's offline page), and the server's session ends when the network is back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.test_offline_reading import logged_in

pytestmark = pytest.mark.browser

PENDING = """async () => {
    const outbox = await import('/static/outbox.js');
    return (await outbox.getMeta('logout_pending')) ?? null;
}"""


def _pending(phone) -> object:
    """The phone's pending logout; "navigating" while the finished logout loads a page (the
    page's scripts are gone mid-question)."""
    try:
        return phone.page.evaluate(PENDING)
    except PlaywrightError as error:
        if "Execution context was destroyed" not in str(error):
            raise
        return "navigating"


def test_logging_out_offline_says_so_and_finishes_once_online(phone, context):
    logged_in(phone)
    phone.open("/me")
    context.set_offline(True)
    with phone.page.expect_navigation():
        phone.page.click("form.logout button")
    expect(phone.page.locator("h1")).to_have_text("已在本手机上退出登录")
    expect(phone.page.locator("main")).to_contain_text("联网后会立即完成退出")
    context.set_offline(False)
    phone.open("/login")
    phone.wait_for(lambda: _pending(phone) is None)
    phone.page.wait_for_url("**/login")
    phone.open("/")  # the server's session has ended: its pages ask for a login
    expect(phone.page.locator("#username")).to_be_visible()

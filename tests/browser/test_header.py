"""The header and 今天 on a phone: refused entries found without opening 同步, the age of the
last sync, and a header that stays on one line at 360 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_needs_attention import _refused_visit
from tests.browser.test_offline_reading import logged_in
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser
ARTIFACTS = "test-artifacts"

LINES = """(selector) => {
    const range = document.createRange();
    range.selectNodeContents(document.querySelector(selector));
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


def test_a_refused_entry_puts_a_badge_on_the_header_and_a_line_on_today(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    _refused_visit(phone, household)
    phone.open("/")
    expect(phone.page.locator("#rejected-badge")).to_be_visible()
    expect(phone.page.locator("#rejected-count")).to_have_text("1")
    line = phone.page.locator("#attention-line")
    expect(line).to_have_text("⚠ 需要处理 1")
    phone.page.screenshot(path=f"{ARTIFACTS}/today-refused.png")
    with phone.page.expect_navigation():
        line.get_by_role("link").click()
    expect(phone.page.locator("#attention-list li")).to_have_count(1)


def test_nothing_refused_shows_no_badge_and_no_line(phone, db):
    logged_in(phone)
    phone.open("/")
    expect(phone.page.locator("#rejected-badge")).to_be_hidden()
    expect(phone.page.locator("#attention-line")).to_be_hidden()


def test_the_first_download_counts_as_a_sync(phone, db):
    logged_in(phone)  # nothing to send: only the download ran
    phone.open("/")
    expect(phone.page.locator("#last-sync")).to_contain_text("上次同步")
    phone.open("/sync")
    expect(phone.page.locator("#sync-last")).not_to_have_text("尚未同步")


def test_offline_with_nothing_waiting_says_so(phone, context, db):
    logged_in(phone)
    phone.open("/sync")
    context.set_offline(True)
    phone.page.click("#sync-now")
    expect(phone.page.locator("#sync-result")).to_have_text(
        "没有网络。这部手机上没有待上传的记录。"
    )


@pytest.mark.parametrize("width", [360, 390])
def test_the_header_stays_on_one_line(phone, db, width):
    phone.page.set_viewport_size({"width": width, "height": 800})
    logged_in(phone)
    phone.open("/")
    expect(phone.page.locator("#last-sync")).to_contain_text("上次同步")
    phone.page.screenshot(
        path=f"{ARTIFACTS}/header-{width}.png", clip={"x": 0, "y": 0, "width": width, "height": 120}
    )
    assert phone.page.evaluate(LINES, ".top .org") == 1
    assert phone.page.evaluate(LINES, "#sync-badge .badge-line") == 1
    assert phone.page.evaluate(LINES, "#last-sync") == 1
    org = phone.page.locator(".top .org")
    assert org.evaluate("el => el.scrollWidth <= el.clientWidth")  # not cut off either


def test_a_failed_sync_reads_as_an_error(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.route("**/api/sync/push", lambda route: route.fulfill(status=500, body="{}"))
    phone.open("/sync")
    phone.queue_visits([household], 1)
    phone.page.click("#sync-now")
    result = phone.page.locator("#sync-result")
    expect(result).to_contain_text("服务器没有响应")
    expect(result).to_have_class(re.compile(r"\berror\b"))
    assert "⚠" in result.evaluate("el => getComputedStyle(el, '::before').content")


# Every layout shift of the page so far and for a while after (the page script fills the
# header in once IndexedDB answers, then again after the first sync).
SHIFTS = """() => new Promise((resolve) => {
    let total = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) total += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(() => resolve(total), 3000);
})"""


def test_what_the_page_script_fills_in_moves_nothing_below_the_header(phone, browser, db):
    logged_in(phone)
    phone.open("/")
    expect(phone.page.locator("#last-sync")).to_contain_text("上次同步")
    # A phone that has kept nothing yet (as on a first visit): the header starts empty.
    fresh = browser.new_context(
        viewport={"width": 390, "height": 844},
        storage_state=phone.page.context.storage_state(),  # the session cookie only
    )
    page = fresh.new_page()
    page.goto(phone.url("/households"))
    assert page.evaluate(SHIFTS) < 0.005
    fresh.close()


def test_the_tabs_keep_their_words_whole_at_360_in_english(other_phone, db):
    phone = other_phone(locale="en-US", viewport={"width": 360, "height": 740})
    phone.log_in("coord")
    phone.open("/")
    for href in ("/", "/households", "/me", "/admin"):
        assert phone.page.evaluate(LINES, f"nav.tabs a[href='{href}']") == 1, href

"""管理 in a real browser: the roster import's progress, the QR code under the CSP, joining."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, server, username: str) -> None:
    """Through the login form; then once the service worker controls the page (a page
    opened while it was installing is not claimed), so htmx comes from its cache."""
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def open_with_htmx(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("typeof htmx === 'object'")


def roster_csv(tmp_path, rows: int):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["户编号", "户主姓名", "村", "联系电话"])
    for index in range(rows):
        writer.writerow([f"P{index:05d}", f"户主{index}", "大柳村", f"138{index:08d}"])
    path = tmp_path / "roster.csv"
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def test_a_large_import_shows_its_progress_until_done(page, live_server, tmp_path):
    steps = []
    page.on("request", lambda r: steps.append(r.url) if r.url.endswith("/step") else None)
    log_in(page, live_server, "coord")
    open_with_htmx(page, live_server.url + "/admin/roster")
    page.set_input_files("#file", roster_csv(tmp_path, 1_200))
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    expect(page.locator("#preview-summary")).to_contain_text("1200")
    page.wait_for_function("typeof htmx === 'object'")
    page.click("#import-area button[type=submit]")
    expect(page.locator("#import-report")).to_be_visible(timeout=30_000)
    expect(page.locator('[data-count="created"]')).to_have_text("1200")
    assert len(steps) >= 2  # 500 rows a step: the page asked for the next ones itself


def test_the_qr_code_shows_under_the_content_security_policy(page, live_server):
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    log_in(page, live_server, "coord")
    page.goto(live_server.url + "/admin/accounts")
    page.click("#account-list a:has-text('李红梅')")
    page.click("text=显示二维码")
    image = page.locator("#join-qr")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert violations == []


def test_a_phone_joins_from_the_code_and_lands_on_today(
    page, live_server, browser, browser_context_args
):
    log_in(page, live_server, "coord")
    page.goto(live_server.url + "/admin/accounts")
    page.click("#account-list a:has-text('李红梅')")
    page.click("text=显示二维码")
    url = page.locator("#join-url").inner_text().strip()
    assert re.fullmatch(re.escape(live_server.url) + r"/join/[\w-]+", url)
    phone = browser.new_context(**browser_context_args)
    try:
        other = phone.new_page()
        other.goto(url)
        other.fill("#pin", "4826")
        other.fill("#pin_again", "4826")
        with other.expect_navigation():
            other.click("#join-form button[type=submit]")
        expect(other.locator("h1")).to_have_text("今天")
        expect(other.locator("main")).to_contain_text("李红梅")
    finally:
        phone.close()


def test_the_manage_link_is_a_large_enough_touch_target_on_a_small_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "coord")
    box = page.locator("#nav-admin").bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44

"""The field pages in a real phone-sized Chromium: log in, record a visit, read it back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import CACHE
from tests.helpers import household_ids_of
from tests.support import DEMO_PASSWORD, ROOT, npm_file

pytestmark = pytest.mark.browser
AXE = "axe-core@4.10.3"


def log_in(page, live_server, username="vol1"):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_volunteer_logs_in_and_sees_today(page, live_server):
    log_in(page, live_server)
    assert page.get_by_role("heading", name="今天").is_visible()
    assert page.locator("#today-list > li").count() == 15


@pytest.mark.postgres_smoke
def test_a_recorded_visit_shows_on_the_household_page(page, live_server, db):
    [household, *_] = db(household_ids_of, "vol1")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/households/{household}/visit")
    page.locator("fieldset.need-area").nth(0).get_by_label("急需").check()
    for area in (1, 2, 3):
        page.locator("fieldset.need-area").nth(area).get_by_label("无需求").check()
    page.locator("#note-health").fill("降压药快吃完了，请送药")
    page.get_by_role("button", name="保存走访").click()
    page.locator("#status").filter(has_text="已保存").wait_for()
    # The server's row, not the overlay's.
    stored = page.locator("#visit-history > li:not([data-pending])")
    for _ in range(50):
        page.goto(f"{live_server.url}/households/{household}")
        if stored.get_by_text("降压药快吃完了，请送药").count():
            break
        page.wait_for_timeout(200)
    assert stored.get_by_text("降压药快吃完了，请送药").is_visible()


def test_a_missing_note_for_an_urgent_need_is_shown_next_to_the_field(page, live_server, db):
    [household, *_] = db(household_ids_of, "vol1")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/households/{household}/visit")
    page.locator("fieldset.need-area").nth(1).get_by_label("急需").check()
    page.get_by_role("button", name="保存走访").click()
    error = page.locator("#err-needs-training-note")
    error.filter(has_text="请说明急需的内容。").wait_for()
    assert error.is_visible()


def test_no_page_scrolls_sideways_at_360_pixels(page, live_server, db):
    [household, *_] = db(household_ids_of, "vol1")
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server)
    for path in ["/", "/households", f"/households/{household}", f"/households/{household}/visit"]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_touch_targets_are_at_least_44_pixels(page, live_server, db):
    [household, *_] = db(household_ids_of, "vol1")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/households/{household}/visit")
    targets = (
        "button, .button, input[type=radio], select, input:not([type=hidden]), textarea, nav a"
    )
    small = page.evaluate(
        """() => [...document.querySelectorAll(TARGETS)]
            .filter(el => el.offsetParent !== null)
            .map(el => el.closest('label') || el)
            .filter(el => { const r = el.getBoundingClientRect(); return r.height < 44; })
            .map(el => el.outerHTML.slice(0, 80))""".replace("TARGETS", repr(targets))
    )
    assert small == []


def test_axe_finds_no_serious_violation(page, live_server, db):
    [household, *_] = db(household_ids_of, "vol1")
    axe = npm_file(CACHE, AXE, "axe.min.js").read_text()
    page.goto(f"{live_server.url}/login")
    pages = [
        "/login",
        "/",
        "/households",
        f"/households/{household}",
        f"/households/{household}/visit",
    ]
    found = {}
    for path in pages:
        if path != "/login" and "/login" in page.url:
            log_in(page, live_server)
        page.goto(live_server.url + path)
        page.evaluate(axe)  # evaluated through the debugger protocol, so the CSP allows it
        result = page.evaluate("async () => (await axe.run()).violations")
        serious = [v["id"] for v in result if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert found == {}


def test_chinese_text_is_rendered_with_a_real_font(page, live_server):
    page.goto(f"{live_server.url}/login")
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / "login-zh.png"), full_page=True)
    # Two different characters drawn without a CJK font are the same empty box.
    same = page.evaluate(
        """() => {
            const draw = (ch) => {
                const c = document.createElement('canvas'); c.width = c.height = 40;
                const g = c.getContext('2d'); g.font = '32px sans-serif'; g.fillText(ch, 2, 32);
                return c.toDataURL();
            };
            return draw('户') === draw('走');
        }"""
    )
    assert not same
    assert Path(out / "login-zh.png").stat().st_size > 5000


def test_the_manifest_is_served_and_names_the_icons(page, live_server):
    response = page.goto(f"{live_server.url}/manifest.webmanifest")
    manifest = json.loads(response.text())
    assert manifest["display"] == "standalone" and manifest["lang"] == "zh-CN"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    assert re.match(r"^/", manifest["start_url"])

"""管理 pages on a phone, as a coordinator: unpairing asks first, tables read as cards."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect

from tests.browser.test_admin import log_in
from tests.browser.test_header import LINES
from tests.helpers import household_ids_of
from tests.pull_helpers import account_id

pytestmark = pytest.mark.browser
ARTIFACTS = "test-artifacts"


def test_unpairing_asks_first_and_a_no_keeps_the_pairing(page, live_server, db):
    volunteer = db(account_id, "vol1")
    before = len(db(household_ids_of, "vol1"))
    log_in(page, live_server, "coord")
    page.goto(f"{live_server.url}/admin/pairing?volunteer={volunteer}")
    said = []
    page.once("dialog", lambda dialog: (said.append(dialog.message), dialog.dismiss()))
    page.locator("form[action='/admin/pairing/unpair'] button").first.click()
    page.wait_for_timeout(300)
    assert "确定解除" in said[0]
    assert len(db(household_ids_of, "vol1")) == before
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("form[action='/admin/pairing/unpair'] button").first.click()
    assert len(db(household_ids_of, "vol1")) == before - 1


def test_a_table_on_a_phone_reads_as_cards_not_one_character_a_line(page, live_server, tmp_path):
    page.set_viewport_size({"width": 360, "height": 800})
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["户编号", "户主姓名", "村", "联系电话"])
        writer.writerow(["SY0099001", "欧阳春花", "不存在的村", "13800001111"])
    log_in(page, live_server, "coord")
    page.goto(live_server.url + "/admin/roster")
    page.set_input_files("#file", path)
    with page.expect_navigation():
        page.click("form[enctype] button[type=submit]")
    code = page.locator("#problem-rows td[data-label='户编号']")
    expect(code).to_contain_text("SY0099001")
    page.screenshot(path=f"{ARTIFACTS}/roster-problems-360.png", full_page=True)
    assert page.evaluate(LINES, "#problem-rows td[data-label='户编号']") == 1
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

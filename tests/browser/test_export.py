"""导出待同步数据: the last way out for a phone that cannot sync."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.phone import visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def test_a_phones_export_is_imported_by_a_coordinator_exactly_once(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    context.route("**/api/sync/push", lambda route: route.abort())  # this phone cannot sync
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open("/sync")
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.record_visit(household, note="导出 1")
    phone.record_visit(household, note="导出 2")
    phone.open("/sync")
    with phone.page.expect_download() as download:
        phone.page.get_by_role("button", name="导出待同步数据").click()
    path = download.value.path()
    exported = json.loads(path.read_text(encoding="utf-8"))
    waiting = {r["id"]: json.loads(r["body"]) for r in phone.waiting()}
    assert {e["id"]: e for e in exported["entries"]} == waiting
    assert exported["account_id"] == phone.page.get_attribute("body", "data-account")

    context.set_offline(False)
    phone.log_out()
    phone.log_in("coord")
    for expected in ("accepted", "duplicate"):  # a second import changes nothing
        phone.open("/sync")
        phone.page.set_input_files("#import-file", path)
        with phone.page.expect_navigation():
            phone.page.get_by_role("button", name="导入", exact=True).click()
        rows = phone.page.locator(f"#import-entries li[data-status={expected}]")
        expect(rows).to_have_count(2)
    assert db(visits_of, list(waiting)) == 2

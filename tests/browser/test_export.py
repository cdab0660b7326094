"""导出待同步数据: the last way out for a phone that cannot sync (its photos travel with it)."""

from __future__ import annotations

import base64
import json

import pytest
from playwright.sync_api import expect

from tests.browser.phone import SAVED, visits_of
from tests.browser.test_attachments import KEPT_FILES, PICK_PHOTO, _server_file
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
    phone.open(f"/households/{household}/visit")
    phone.fill_visit(note="导出 2，附照片")
    phone.page.evaluate(PICK_PHOTO, [800, 600, False])
    expect(phone.page.locator("[data-photo-state]")).to_contain_text("照片已压缩")
    phone.save()
    expect(phone.page.locator("#status")).to_have_text(SAVED)
    [kept] = phone.page.evaluate(KEPT_FILES)
    phone.open("/sync")
    with phone.page.expect_download() as download:
        phone.page.get_by_role("button", name="导出待同步数据").click()
    path = download.value.path()
    exported = json.loads(path.read_text(encoding="utf-8"))
    waiting = {r["id"]: json.loads(r["body"]) for r in phone.waiting()}
    assert {e["id"]: e for e in exported["entries"]} == waiting
    assert exported["account_id"] == phone.page.get_attribute("body", "data-account")
    assert exported["files"] == [
        {"entry_id": kept["entry_id"], "name": "photo", "base64": kept["body"]}
    ]

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
    assert _server_file(kept["entry_id"], "photo") == base64.b64decode(kept["body"])

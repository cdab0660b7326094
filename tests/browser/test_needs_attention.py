"""Entries the server refuses wait under 需要处理 until they are corrected or discarded."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.phone import visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser
TOO_OLD = "走访时间早于保存时间 60 天以上。"


OLD_VISIT = """async ([household, visitedAt]) => {
    const outbox = await import('/static/outbox.js');
    const { visitEntry } = await import('/static/visit.js');
    const form = new FormData();
    form.set('visited_at', visitedAt);
    form.set('needs.health.level', 'some');
    form.set('needs.health.note', '腿疼');
    for (const area of ['training', 'livelihood', 'work_school']) {
        form.set(`needs.${area}.level`, 'none');
    }
    await outbox.save(document.body.dataset.account, visitEntry(form, household));
}"""


def _refused_visit(phone, household: int) -> str:
    """A visit dated 90 days back, as an older app version kept it: the server refuses it.

    The form itself no longer lets such a visit be saved; entries already on phones remain.
    """
    phone.open(f"/households/{household}")
    long_ago = dt.datetime.now() - dt.timedelta(days=90)
    phone.page.evaluate(OLD_VISIT, [household, long_ago.strftime("%Y-%m-%dT%H:%M")])
    phone.page.reload()  # a page load drains
    phone.wait_for(lambda: [r["state"] for r in phone.outbox()] == ["rejected"])
    return phone.outbox()[0]["id"]


def test_a_refused_entry_is_listed_with_its_reason_and_survives_a_reload(phone, db, errors):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    _refused_visit(phone, household)
    phone.open("/sync")
    items = phone.page.locator("#attention-list li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(TOO_OLD)
    phone.page.reload()
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(TOO_OLD)
    expect(phone.page.locator("#attention-none")).to_be_hidden()
    assert errors == []


def test_editing_a_refused_entry_resends_it_as_a_new_entry(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    refused = _refused_visit(phone, household)
    phone.open("/sync")
    with phone.page.expect_navigation():
        phone.page.get_by_role("link", name="修改后重新上传").click()
    expect(phone.page.locator("#note-health")).to_have_value("腿疼")
    phone.page.fill("#visited_at", dt.datetime.now().strftime("%Y-%m-%dT%H:%M"))
    phone.save()
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")
    phone.wait_until_drained()
    [resent] = phone.outbox()
    assert resent["id"] != refused
    assert resent["state"] == "synced"
    assert db(visits_of, [resent["id"]]) == 1
    phone.open("/sync")
    expect(phone.page.locator("#attention-none")).to_be_visible()
    expect(phone.page.locator("#attention-list li")).to_have_count(0)


def test_a_refused_entry_is_discarded_only_after_confirming(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    _refused_visit(phone, household)
    phone.open("/sync")
    item = phone.page.locator("#attention-list li").first
    item.get_by_role("button", name="放弃").click()
    item.get_by_role("button", name="取消").click()
    expect(item).to_be_visible()
    assert len(phone.outbox()) == 1
    item.get_by_role("button", name="放弃").click()
    item.get_by_role("button", name="确定放弃").click()
    expect(phone.page.locator("#attention-list li")).to_have_count(0)
    assert phone.outbox() == []

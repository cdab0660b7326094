"""What the volunteer sees around saving a visit: every rule said before saving, and the
saved visit (or household edit) shown with its content on the household page, marked 待同步."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.phone import SAVED
from tests.browser.test_offline_edit import edit_offline
from tests.browser.test_offline_reading import logged_in
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser
ARTIFACTS = "test-artifacts"


def test_areas_left_unanswered_are_named_and_nothing_is_saved(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    phone.open(f"/households/{household}/visit")
    assert phone.page.locator("[name^='needs.'][type=radio]:checked").count() == 0
    phone.page.check("[name='needs.training.level'][value=some]")
    phone.save()
    expect(phone.page.locator("#err-form")).to_have_text(
        "尚未保存：请为身体健康、产业发展、务工就学选择需求程度。"
    )
    expect(phone.page.locator("#err-needs-health-level")).to_have_text(
        "请选择：无需求、有需求或急需。"
    )
    expect(phone.page.locator("#err-needs-training-level")).to_have_text("")
    expect(phone.page.locator("#status")).to_have_attribute("data-kind", "error")
    phone.page.screenshot(path=f"{ARTIFACTS}/visit-unanswered.png", full_page=True)
    assert phone.outbox() == []


def test_an_error_banner_looks_like_an_error_not_like_a_success(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.open(f"/households/{household}/visit")
    phone.save()
    status = phone.page.locator("#status")
    expect(status).to_have_text("尚未保存：请修改标出的内容。")
    colour = status.evaluate("el => getComputedStyle(el).color")
    icon = status.evaluate("el => getComputedStyle(el, '::before').content")
    assert colour == "rgb(160, 0, 0)"
    assert "⚠" in icon


def test_a_visit_in_the_future_or_long_ago_is_said_before_saving(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.open(f"/households/{household}/visit")
    phone.fill_visit("头疼")
    tomorrow = dt.datetime.now() + dt.timedelta(days=1)
    phone.page.fill("#visited_at", tomorrow.strftime("%Y-%m-%dT%H:%M"))
    phone.save()
    expect(phone.page.locator("#err-visited_at")).to_have_text("走访时间晚于现在。")
    long_ago = dt.datetime.now() - dt.timedelta(days=61)
    phone.page.fill("#visited_at", long_ago.strftime("%Y-%m-%dT%H:%M"))
    phone.save()
    expect(phone.page.locator("#err-visited_at")).to_have_text("走访时间早于保存时间 60 天以上。")
    assert phone.outbox() == []


def test_a_note_over_the_limit_is_said_and_kept_whole(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.open(f"/households/{household}/visit")
    phone.fill_visit("")
    phone.page.fill("#note-health", "药" * 501)
    expect(phone.page.locator("#note-health")).to_have_value("药" * 501)  # typed, not cut
    phone.save()
    expect(phone.page.locator("#err-needs-health-note")).to_contain_text("最多 500 个字")
    expect(phone.page.locator("#note-health")).to_have_attribute("aria-invalid", "true")
    assert phone.outbox() == []


def test_after_saving_the_household_page_shows_the_visit_on_top_marked_pending(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    phone.open(f"/households/{household}/visit")
    phone.fill_visit("降压药快吃完了", level="urgent")
    phone.page.check("[name=follow_up]")
    phone.page.fill("#follow_up_note", "请卫生院送药")
    phone.save()
    phone.page.wait_for_url(f"**/households/{household}?queued=1")
    expect(phone.page.locator("#status")).to_have_text(SAVED)
    expect(phone.page.locator("#pending-count")).to_have_text("1")
    top = phone.page.locator("#visit-history > li").first
    expect(top).to_have_attribute("data-pending", "1")
    expect(top.locator(".pending-mark")).to_have_text("待同步")
    expect(top.locator(".chip")).to_have_text("‼ 身体健康：急需")
    expect(top).to_contain_text("身体健康：降压药快吃完了")
    expect(top).to_contain_text("跟进：请卫生院送药")
    phone.page.screenshot(path=f"{ARTIFACTS}/household-after-save-offline.png", full_page=True)


def test_a_pending_household_edit_shows_its_content_on_the_household_page(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    edit_offline(phone, household, phone="13900001111", address="三组12号")
    assert phone.open(f"/households/{household}").from_service_worker
    box = phone.page.locator("#pending-edits")
    expect(box).to_be_visible()
    expect(box.locator(".pending-mark")).to_have_text("待同步")
    expect(box).to_contain_text("13900001111")
    expect(box).to_contain_text("三组12号")
    phone.page.screenshot(path=f"{ARTIFACTS}/household-pending-edit.png", full_page=True)
    context.set_offline(False)
    phone.wait_until_drained()
    phone.page.reload()
    expect(box).to_be_hidden()

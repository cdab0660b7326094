"""Pages with no network: the shell, pages opened before, an offline page for the rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server.settings import DEFAULT_HTMX_URL
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def test_a_page_opened_before_opens_offline_through_a_link(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}")
    title = phone.page.locator("h1").inner_text()
    phone.open("/")
    context.set_offline(True)
    phone.page.click(f"#today-list li[data-household='{household}'] a >> nth=0")
    expect(phone.page.locator("h1")).to_have_text(title)


def test_a_page_never_kept_says_there_is_no_network(phone, context, db):
    # The pages of the volunteer's own scope are kept after each sync; another's never are.
    [elsewhere, *_] = db(household_ids_of, "vol2")
    phone.log_in("vol1")
    phone.wait_for_worker()
    context.set_offline(True)
    response = phone.open(f"/households/{elsewhere}")
    assert response.from_service_worker
    expect(phone.page.locator("h1")).to_have_text("没有网络")
    expect(phone.page.get_by_role("link", name="同步")).to_be_visible()


def test_a_blocked_cdn_does_not_stop_the_app_from_working_offline(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    context.route(DEFAULT_HTMX_URL, lambda route: route.abort())  # as in mainland China
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.record_visit(household, note="没有 htmx 也能保存")
    assert len(phone.waiting()) == 1

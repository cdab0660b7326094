"""Reading with no network: the scope's pages kept after each sync, pending entries shown on
them, the list searched in the page, drafts, and what logout leaves on the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from server.pairings.pairing import pair, unpair
from tests.browser.phone import receipts, visits_of
from tests.helpers import household_ids_of
from tests.pull_helpers import account_id

pytestmark = pytest.mark.browser

OFFLINE_TITLE = "没有网络"
PENDING = "待同步"


def pages_kept_at(phone) -> str | None:
    """When the worker last kept every page of the logged-in account's scope."""
    return phone.page.evaluate(
        """async () => {
            const outbox = await import('/static/outbox.js');
            return await outbox.getMeta('pages_at:' + document.body.dataset.account);
        }"""
    )


def last_sync(phone) -> str | None:
    """When the logged-in account last synced (a pull or a push that went through)."""
    return phone.page.evaluate(
        """async () => {
            const outbox = await import('/static/outbox.js');
            return await outbox.getMeta('last_sync:' + document.body.dataset.account);
        }"""
    )


def synced(phone, before: str | None = None) -> str:
    """Until the scope's pages were kept (again, after ``before``)."""
    phone.wait_for(lambda: pages_kept_at(phone) not in (None, before))
    return pages_kept_at(phone)


def sync_now(phone) -> None:
    """Tap 立即同步 and wait until the pages were kept again, by a refresh begun after it."""
    phone.open("/sync")
    tapped = phone.page.evaluate("new Date().toISOString()")
    phone.page.click("#sync-now")
    phone.wait_for(lambda: (pages_kept_at(phone) or "") > tapped)


def logged_in(phone, username: str = "vol1") -> None:
    phone.log_in(username)
    phone.wait_for_worker()
    synced(phone)


def test_every_field_page_opens_offline_after_a_sync(phone, context, db):
    households = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    for path in ["/", "/households", "/sync"]:
        assert phone.open(path).from_service_worker
        expect(phone.page.locator("h1")).not_to_have_text(OFFLINE_TITLE)
    for household in households:
        assert phone.open(f"/households/{household}").from_service_worker
        expect(phone.page.locator(f"#visit-history[data-household='{household}']")).to_be_attached()
        assert phone.open(f"/households/{household}/visit").from_service_worker
        expect(phone.page.locator("#visit-form")).to_be_visible()
        assert phone.open(f"/households/{household}/edit").from_service_worker
        expect(phone.page.locator("#household-form")).to_be_visible()


def test_the_household_list_is_searched_offline(phone, context):
    logged_in(phone)
    context.set_offline(True)
    assert phone.open("/households").from_service_worker
    rows = phone.page.locator("#household-list li[data-search]")
    texts = rows.evaluate_all("rows => rows.map(r => r.dataset.search)")
    assert texts, "the kept 住户 page lists the households"
    name = phone.page.locator("#household-list li[data-search] strong").first.inner_text()
    expected = [t for t in texts if name in t]
    phone.page.fill("#q", name)
    expect(phone.page.locator("#household-list li[data-search]:visible")).to_have_count(
        len(expected)
    )
    expect(phone.page.locator("#result-count")).to_have_text(f"共 {len(expected)} 户")
    phone.page.fill("#q", "没有这个人")
    expect(phone.page.locator("#household-list li[data-search]:visible")).to_have_count(0)
    expect(phone.page.locator("#household-list [data-filtered-out]")).to_have_text(
        "没有符合条件的住户。"
    )


def test_a_visit_captured_offline_is_marked_pending_until_synced(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    phone.record_visit(household, note="离线记录")
    [record] = phone.waiting()
    assert phone.open(f"/households/{household}").from_service_worker
    visit = phone.page.locator(f"#visit-history li[data-entry='{record['id']}']")
    expect(visit.locator(".pending-mark")).to_have_text(PENDING)
    phone.open("/")
    expect(
        phone.page.locator(f"#today-list li[data-household='{household}'] .pending-mark")
    ).to_have_text(PENDING)
    expect(phone.page.locator("#pending-count")).to_have_text("1")
    before = pages_kept_at(phone)
    context.set_offline(False)
    phone.wait_until_drained()
    synced(phone, before)  # the pull after the drain, and the pages kept again
    context.set_offline(True)
    assert phone.open(f"/households/{household}").from_service_worker
    expect(visit).to_be_visible()
    expect(visit.locator(".pending-mark")).to_have_count(0)
    expect(visit).to_contain_text("离线记录")


def test_after_a_sync_the_phone_shows_exactly_the_new_scope(phone, context, db):
    volunteer = db(account_id, "vol1")
    [left, *stay] = db(household_ids_of, "vol1")
    [joined, *_] = db(household_ids_of, "vol2")
    logged_in(phone)
    db(pair, None, volunteer, joined)
    db(unpair, None, volunteer, left)
    sync_now(phone)
    context.set_offline(True)
    scope = {str(h) for h in [*stay, joined]}
    assert phone.open("/").from_service_worker
    today = phone.page.locator("#today-list li[data-household]")
    assert set(today.evaluate_all("rows => rows.map(r => r.dataset.household)")) == scope
    assert phone.open("/households").from_service_worker
    listed = phone.page.locator("#household-list li[data-household]")
    assert set(listed.evaluate_all("rows => rows.map(r => r.dataset.household)")) == scope
    phone.open(f"/households/{joined}")
    expect(phone.page.locator(f"#visit-history[data-household='{joined}']")).to_be_attached()
    phone.open(f"/households/{left}")
    expect(phone.page.locator("h1")).to_have_text(OFFLINE_TITLE)


def pulled_households(phone, account: str) -> list[dict]:
    return phone.page.evaluate(
        "async (account) => (await import('/static/pulled.js')).ofKind(account, 'household')",
        account,
    )


def test_logout_keeps_unsent_entries_and_removes_the_accounts_pages(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    account = phone.page.get_attribute("body", "data-account")
    assert pulled_households(phone, account)
    context.route("**/api/sync/push", lambda route: route.abort())  # no signal for sending
    phone.record_visit(household, note="退出前没发出")
    [record] = phone.waiting()
    phone.open("/me")
    with phone.page.expect_navigation():
        phone.page.click("form.logout button")
    expect(phone.page.locator("#username")).to_be_visible()
    assert [r["id"] for r in phone.waiting()] == [record["id"]]
    assert pulled_households(phone, account) == []
    assert (
        phone.page.evaluate("caches.open('doorstep-pages').then(c => c.keys()).then(k => k.length)")
        == 0
    )
    context.set_offline(True)
    assert phone.open(f"/households/{household}").from_service_worker
    expect(phone.page.locator("h1")).to_have_text(OFFLINE_TITLE)
    context.set_offline(False)
    context.unroute("**/api/sync/push")
    phone.log_in("vol1")
    # Back online the back-off is over, so the first page after login sends it already;
    # leaving that page mid-request would send it a second time (a duplicate, stored once).
    phone.wait_until_drained()
    phone.open("/sync")
    phone.page.click("#sync-now")
    phone.wait_until_drained()
    assert db(visits_of, [record["id"]]) == 1
    assert len(db(receipts, [record["id"]])) == 1


def test_a_visit_draft_survives_a_reload(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.open(f"/households/{household}/visit")
    phone.fill_visit("写了一半", level="urgent")
    phone.page.reload()
    expect(phone.page.locator("#note-health")).to_have_value("写了一半")
    expect(phone.page.locator("[name='needs.health.level'][value=urgent]")).to_be_checked()
    phone.save()
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")
    phone.open(f"/households/{household}/visit")
    expect(phone.page.locator("#note-health")).to_have_value("")


def test_a_household_edit_draft_survives_a_reload(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.open(f"/households/{household}/edit")
    phone.page.fill("#address", "新搬到村口")
    phone.page.reload()
    expect(phone.page.locator("#address")).to_have_value("新搬到村口")


async def revoke_every_device() -> None:
    from server.sync.tables import Device

    await Device.update({Device.revoked: True}, force=True)


def test_a_revoked_phone_keeps_nothing_and_says_why(phone, db):
    households = db(household_ids_of, "vol1")
    logged_in(phone)
    phone.record_visit(households[0], note="已同步")
    phone.wait_until_drained()  # the server now knows this phone
    db(revoke_every_device)
    # Whether the phone learns of it before or after this save, nothing of it stays behind.
    phone.open(f"/households/{households[1]}/visit")
    phone.fill_visit("被停用之后")
    phone.save()
    phone.wait_for(lambda: phone.outbox() == [])
    phone.open("/")
    expect(phone.page.locator("#notice-revoked")).to_contain_text("工作人员已停用这部手机")


QUEUE_FOR_ANOTHER_ACCOUNT = """async (other) => {
    const outbox = await import('/static/outbox.js');
    const { visitEntry } = await import('/static/visit.js');
    const { drain } = await import('/static/drain.js');
    const form = new FormData();
    form.set('visited_at', new Date().toISOString().slice(0, 16));
    const entry = visitEntry(form, document.querySelector('[data-household]').dataset.household);
    await outbox.setMeta('account', other);  // the phone still thinks another account is in
    const record = await outbox.save(other, entry);
    return [record.id, (await drain({ force: true })).status];
}"""


def test_entries_of_another_account_than_the_session_wait_and_the_volunteer_is_told(phone, db):
    other = str(db(account_id, "vol2"))
    logged_in(phone)
    opened = phone.page.evaluate("new Date().toISOString()")
    phone.open("/")
    # The page's start-up tells the outbox who is logged in: let it finish first.
    phone.wait_for(lambda: (last_sync(phone) or "") > opened)
    entry_id, status = phone.page.evaluate(QUEUE_FOR_ANOTHER_ACCOUNT, other)
    assert status == "mismatch"
    [record] = phone.waiting()
    assert (record["id"], record["state"]) == (entry_id, "pending")
    assert db(receipts, [entry_id]) == []
    phone.page.evaluate("import('/static/status.js').then((m) => m.refreshBadge())")
    expect(phone.page.locator("#notice-mismatch")).to_be_visible()

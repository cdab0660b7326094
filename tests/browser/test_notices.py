"""通知 on the phone: the inbox offline with its unread count, the reading synced back as an
entry; a push message shown as a notification whose tap opens its page from the cache."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.notice_helpers import read_count, send_as

pytestmark = pytest.mark.browser


def kept(phone, path: str) -> bool:
    return phone.page.evaluate(
        "async (path) => Boolean(await (await caches.open('doorstep-pages')).match(path))", path
    )


def synced_with_notice(phone, db, title: str) -> int:
    notice_id = db(send_as, "coord", title, "周六上午九点，华家河村村委会")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.page.evaluate(
        "navigator.serviceWorker.controller.postMessage({type: 'drain', force: true})"
    )
    phone.wait_for(lambda: kept(phone, f"/inbox/{notice_id}") and kept(phone, "/inbox"))
    return notice_id


def test_the_inbox_reads_offline_and_the_reading_goes_up_with_the_next_sync(phone, context, db):
    notice_id = synced_with_notice(phone, db, "急救培训通知")
    phone.open("/inbox")
    expect(phone.page.locator("#inbox-unread-count")).to_have_text("1")
    context.set_offline(True)
    phone.page.click(f"#inbox-list li[data-notice='{notice_id}'] a")
    expect(phone.page.locator(".notice-body")).to_have_text("周六上午九点，华家河村村委会")
    expect(phone.page.locator("#read-state")).to_be_visible()
    expect(phone.page.locator("#inbox-unread")).to_be_hidden()
    [reading] = [r for r in phone.waiting() if r["kind"] == "notice_read"]
    assert reading["data"] == {"notice_id": str(notice_id)}
    assert db(read_count, notice_id) == 0
    context.set_offline(False)
    phone.wait_until_drained()
    assert db(read_count, notice_id) == 1


def test_a_push_shows_a_notification_and_its_tap_opens_the_page_offline(phone, context, db):
    context.grant_permissions(["notifications"], origin=phone.server.url)
    notice_id = synced_with_notice(phone, db, "推送通知")
    payload = {"kind": "notice", "path": f"/inbox/{notice_id}", "tag": "tag-1"}
    phone.deliver_push(json.dumps(payload))
    shown = (
        "navigator.serviceWorker.ready.then((r) => r.getNotifications())"
        ".then((ns) => ns.map((n) => [n.title, n.tag]))"
    )
    phone.wait_for(lambda: phone.page.evaluate(shown))
    assert phone.page.evaluate(shown) == [["新通知", "tag-1"]]
    phone.open("/")
    context.set_offline(True)
    [worker] = context.service_workers
    # A tap, as the system would deliver it (a test cannot touch the system's notification).
    worker.evaluate(
        """async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent('notificationclick', { notification }));
        }"""
    )
    phone.page.wait_for_url(f"**/inbox/{notice_id}")
    expect(phone.page.locator("h1")).to_have_text("推送通知")

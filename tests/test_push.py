"""Web push on top of the inbox: doorbells rung through a fake push service on loopback
that checks the VAPID JWT and decrypts the payload as the browser would."""

from __future__ import annotations

import json

import pytest

from tests.notice_helpers import send_notice, sent_notice_id
from tests.push_helpers import (
    Browser,
    FakeService,
    subscribe,
    verify_vapid,
    wait_until,
)
from tests.support import ORIGIN

pytestmark = pytest.mark.usefixtures("no_doorbells")


def vapid_public_key(db) -> str:
    from server.notify import vapid

    async def key():
        return (await vapid.keys()).public_key

    return db(key)


def test_a_notice_rings_a_subscribed_phone_with_a_signed_encrypted_push(app_as, db):
    browser = Browser()
    with FakeService() as service:
        vol1 = app_as("vol1")
        assert subscribe(vol1, browser.subscription(service.endpoint())).status_code == 201
        coord = app_as("coord")
        send_notice(coord, "李大爷家需要送药", urgent=False)
        notice_id = sent_notice_id(coord, "李大爷家需要送药")
        [push] = wait_until(lambda: service.received)
        claims, key = verify_vapid(push.headers["authorization"], service.origin)
        assert claims["sub"].startswith("mailto:")
        assert key == vapid_public_key(db)
        assert push.headers["content-encoding"] == "aes128gcm"
        payload = browser.decrypt(push.body)
        assert payload == {"kind": "notice", "path": f"/inbox/{notice_id}", "tag": payload["tag"]}
        assert push.headers["topic"] == payload["tag"] and len(payload["tag"]) <= 32
        assert int(push.headers["ttl"]) >= 3600
        assert push.headers["urgency"] == "normal"


def test_the_payload_carries_no_personal_data(app_as):
    browser = Browser()
    with FakeService() as service:
        vol1 = app_as("vol1")
        subscribe(vol1, browser.subscription(service.endpoint()))
        send_notice(app_as("coord"), "王秀英 13972811234", urgent=True, body="高血压")
        [push] = wait_until(lambda: service.received)
        text = json.dumps(browser.decrypt(push.body), ensure_ascii=False)
        assert "王秀英" not in text and "1397" not in text and "高血压" not in text
        assert push.headers["urgency"] == "high"


def test_a_subscription_the_push_service_calls_gone_is_deleted(app_as, db):
    from server.notify.tables import PushSubscription

    with FakeService(status=410) as service:
        vol1 = app_as("vol1")
        subscribe(vol1, Browser().subscription(service.endpoint()))
        assert db(PushSubscription.count().run) == 1
        send_notice(app_as("coord"), "过期订阅")
        wait_until(lambda: service.received)
        wait_until(lambda: db(PushSubscription.count().run) == 0)


def test_turning_notifications_off_on_one_phone_keeps_the_other(app_as, db):
    from server.notify.tables import PushSubscription

    with FakeService() as service:
        vol1 = app_as("vol1")
        subscribe(vol1, Browser().subscription(service.endpoint("a"), "phone-a"))
        subscribe(vol1, Browser().subscription(service.endpoint("b"), "phone-b"))
        response = vol1.post(
            "/api/push/subscriptions/delete",
            content=json.dumps({"endpoint": service.endpoint("a")}),
            headers={"Content-Type": "application/json", "Origin": ORIGIN},
        )
        assert response.status_code == 200
        rows = db(PushSubscription.select(PushSubscription.device_id).run)
        assert [r["device_id"] for r in rows] == ["phone-b"]


def test_a_subscription_from_another_site_is_refused(app_as):
    vol1 = app_as("vol1")
    response = vol1.post(
        "/api/push/subscriptions",
        content=json.dumps(Browser().subscription("https://push.example/x")),
        headers={"Content-Type": "application/json", "Origin": "https://evil.example"},
    )
    assert response.status_code == 403


def test_an_endpoint_that_is_not_https_is_refused(app_as):
    vol1 = app_as("vol1")
    response = subscribe(vol1, Browser().subscription("http://10.0.0.5/push/x"))
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")


def test_a_hanging_push_service_does_not_hold_pages_or_sync(app_as):
    from tests.builders import push_results

    with FakeService() as service:
        service.hang = True
        vol1 = app_as("vol1", push_timeout_seconds=3)
        subscribe(vol1, Browser().subscription(service.endpoint()))
        send_notice(app_as("coord"), "推送服务卡住")
        assert service.holding.wait(20)
        # The push is still held open by the push service while these answer.
        assert vol1.get("/inbox").status_code == 200
        assert vol1.get("/").status_code == 200
        assert push_results(vol1, []) == []
        assert not service.release.is_set() and len(service.received) == 1


def test_a_repeat_after_a_crash_carries_the_same_topic_and_tag(app_as, db):
    from server.notify.tables import Notification

    browser = Browser()
    with FakeService() as service:
        vol1 = app_as("vol1")
        subscribe(vol1, browser.subscription(service.endpoint()))
        send_notice(app_as("coord"), "崩溃后重发")
        [first] = wait_until(lambda: service.received)
        wait_until(
            lambda: db(Notification.select(Notification.state).first().run)["state"] == "sent"
        )

        # The process died right after the push service took it, before marking it sent:
        # its claim's lease runs out and another process sends it again.
        async def crash_after_send():
            import datetime as dt

            await Notification.update(
                {
                    Notification.state: "sending",
                    Notification.lease_until: dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                }
            ).where(Notification.id > 0)

        db(crash_after_send)
        app_as(None)  # another process starts; its worker finds the abandoned claim
        first_tag = browser.decrypt(first.body)["tag"]
        _, second = wait_until(lambda: service.received[:2] if len(service.received) == 2 else None)
        assert second.headers["topic"] == first.headers["topic"]
        assert browser.decrypt(second.body)["tag"] == first_tag


def test_a_doorbell_scheduled_before_a_restart_is_rung_once_after_it(app_as, db):
    from server.notify import jobs
    from server.notify.tables import Notification

    with FakeService() as service:
        first = app_as("vol1", notify_worker=False)  # scheduled, never sent: then stopped
        subscribe(first, Browser().subscription(service.endpoint()))
        send_notice(app_as("coord", notify_worker=False), "重启前安排")
        first.__exit__(None, None, None)
        assert service.received == []
        app_as(None)  # the restarted process
        wait_until(
            lambda: db(Notification.select(Notification.state).first().run)["state"] == "sent"
        )
        app_as(None)  # and another: nothing is left for it
        assert db(jobs.claim, 10) == []
        assert len(service.received) == 1

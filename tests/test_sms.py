"""SMS for urgent notices: through a fake HTTP gateway on loopback, to exactly the
volunteers who opted in, at most the daily cap per number, an error retried and a
success never repeated; without a gateway nothing is sent and nothing breaks."""

from __future__ import annotations

import json

import pytest

from tests.notice_helpers import send_notice
from tests.push_helpers import (
    FakeService,
    wait_until,
)
from tests.support import csrf


async def set_phone(username: str, phone: str) -> None:
    from server.accounts.tables import Account

    await Account.update({Account.phone: phone}).where(Account.username == username)


def opt_in(client) -> None:
    response = client.post(
        "/inbox/settings/sms",
        data={"sms": "on", "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303


def sms_states(db) -> list[str]:
    from server.notify.tables import SmsMessage

    rows = db(SmsMessage.select(SmsMessage.state).order_by(SmsMessage.id).run)
    return [r["state"] for r in rows]


@pytest.fixture
def gateway():
    with FakeService(status=200) as service:
        yield service


def sms_app(app_as, gateway, username, **overrides):
    return app_as(
        username, sms_gateway_url=f"{gateway.origin}/sms", sms_gateway_token="t0k", **overrides
    )


def test_an_urgent_notice_goes_by_sms_to_exactly_the_volunteers_who_opted_in(app_as, gateway, db):
    db(set_phone, "vol1", "13900000001")
    db(set_phone, "vol2", "13900000002")
    opt_in(app_as("vol1"))
    coord = sms_app(app_as, gateway, "coord")
    send_notice(coord, "今晚暴雨，明天活动取消", urgent=True)
    [message] = wait_until(lambda: gateway.received)
    body = json.loads(message.body)
    assert body["to"] == "13900000001"
    assert "今晚暴雨" in body["text"]
    assert message.headers["authorization"] == "Bearer t0k"
    wait_until(lambda: sms_states(db) == ["sent"])
    assert len(gateway.received) == 1


def test_a_notice_that_is_not_urgent_sends_no_sms(app_as, gateway, db):
    db(set_phone, "vol1", "13900000001")
    opt_in(app_as("vol1"))
    send_notice(sms_app(app_as, gateway, "coord"), "普通通知")
    assert sms_states(db) == []


def test_the_daily_cap_holds_back_what_is_beyond_it(app_as, gateway, db):
    db(set_phone, "vol1", "13900000001")
    opt_in(app_as("vol1"))
    coord = sms_app(app_as, gateway, "coord", sms_daily_cap=2)
    for n in range(3):
        send_notice(coord, f"紧急{n}", urgent=True)
        wait_until(lambda n=n: len([s for s in sms_states(db) if s != "pending"]) == n + 1)
    wait_until(lambda: sms_states(db) == ["sent", "sent", "capped"])
    assert len(gateway.received) == 2


def test_a_gateway_error_is_retried_and_a_success_never_repeated(app_as, gateway, db):
    from server.notify import sms
    from server.settings import Settings

    gateway.fail_first = 1
    db(set_phone, "vol1", "13900000001")
    opt_in(app_as("vol1"))
    send_notice(sms_app(app_as, gateway, "coord"), "重试", urgent=True)
    wait_until(lambda: sms_states(db) == ["sent"])
    first, second = gateway.received
    assert json.loads(first.body) == json.loads(second.body)  # the same id: one message
    settings = Settings.from_env()
    assert db(sms.claim, settings) == []
    assert len(gateway.received) == 2


def test_without_a_gateway_nothing_is_sent_and_the_notice_still_goes(app_as, gateway, db):
    from server.notify import sms

    db(set_phone, "vol1", "13900000001")
    db(sms.set_opt_in, db(_account, "vol1"), True)
    coord = app_as("coord")
    assert "未开通短信" in app_as("vol1").get("/inbox/settings").text
    assert send_notice(coord, "无短信网关", urgent=True).status_code == 303
    assert gateway.received == []
    assert sms_states(db) in ([], ["pending"])


async def _account(username: str) -> int:
    from tests.pull_helpers import account_id

    return await account_id(username)

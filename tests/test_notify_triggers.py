"""What schedules a doorbell, and for whom: read from the job table the worker claims from."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.activity_helpers import an_activity, sign_up, signup_entry
from tests.builders import push_results, visit_entry
from tests.helpers import household_ids_of
from tests.pull_helpers import account_id, pair


async def doorbells(kind: str | None = None) -> list[dict]:
    from server.notify.tables import Notification

    select = Notification.select(
        Notification.account.username.as_alias("username"),
        Notification.kind,
        Notification.target,
        Notification.due_at,
        Notification.state,
    ).order_by(Notification.id)
    if kind:
        select = select.where(Notification.kind == kind)
    return await select


def who(rows: list[dict]) -> list[str]:
    return sorted(r["username"] for r in rows)


NONE = {"level": "none", "note": ""}

pytestmark = pytest.mark.usefixtures("no_doorbells")


def test_a_new_pairing_rings_the_volunteer(db):
    [household, *_] = db(household_ids_of, "vol2")
    assert db(pair, "vol1", household)
    [bell] = db(doorbells, "pairing")
    assert (bell["username"], bell["target"]) == ("vol1", f"/households/{household}")


def test_an_urgent_need_rings_the_coordinator_of_its_area(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    needs = {"health": {"level": "urgent", "note": "药吃完了"}, "training": NONE}
    push_results(vol1, [visit_entry(household, needs=needs)])
    [bell] = db(doorbells, "urgent_need")
    assert (bell["username"], bell["target"]) == ("coord", f"/households/{household}")


def test_a_visit_with_no_urgent_need_rings_no_one(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push_results(vol1, [visit_entry(household, needs={"health": NONE})])
    assert db(doorbells) == []


def test_a_flagged_entry_rings_the_coordinator(vol1, db):
    from tests.pull_helpers import unpair

    [household, *_] = db(household_ids_of, "vol1")
    db(unpair, "vol1", household)  # recorded while paired: accepted and flagged
    push_results(vol1, [visit_entry(household, dt.datetime.now(dt.UTC).isoformat())])
    assert who(db(doorbells, "flagged")) == ["coord"]


def test_a_phone_sitting_on_entries_for_days_rings_its_coordinator(vol1, db):
    from server.notify import triggers
    from tests.builders import push

    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=4)).isoformat()
    push(vol1, [], device_id="stale-phone", pending_count=3, oldest_pending_at=old)
    assert db(triggers.stale_phones, 3, "2026-12-01") == 1
    assert db(triggers.stale_phones, 3, "2026-12-01") == 1  # the same day: still one doorbell
    [bell] = db(doorbells, "stale_phone")
    assert (bell["username"], bell["target"]) == ("coord", "/devices")


def test_a_new_activity_rings_everyone_it_is_meant_for(db):
    db(an_activity)
    assert who(db(doorbells, "activity_new")) == ["vol1", "vol2"]


def test_a_place_schedules_reminders_24_and_2_hours_before(as_user, db):
    activity = db(an_activity)
    sign_up(as_user("vol2"), activity)
    starts = dt.datetime(2026, 12, 20, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    due = {r["kind"]: r["due_at"] for r in db(doorbells) if r["kind"].startswith("reminder")}
    assert due == {
        "reminder_24h": starts - dt.timedelta(hours=24),
        "reminder_2h": starts - dt.timedelta(hours=2),
    }


def test_withdrawing_takes_the_reminders_back(as_user, db):
    activity = db(an_activity)
    vol2 = as_user("vol2")
    sign_up(vol2, activity)
    sign_up(vol2, activity, "withdraw")
    assert [r for r in db(doorbells) if r["kind"].startswith("reminder")] == []


def test_moving_up_from_the_waiting_list_rings_and_reminds(as_user, db):
    activity = db(an_activity, {"capacity": 1})
    vol1, vol2 = as_user("vol1"), as_user("vol2")
    sign_up(vol1, activity)
    sign_up(vol2, activity)  # waiting
    assert [r for r in db(doorbells, "reminder_24h") if r["username"] == "vol2"] == []
    push_results(vol1, [signup_entry(activity, "withdraw")], device_id="phone-1")
    assert who(db(doorbells, "waitlist_promoted")) == ["vol2"]
    assert who(db(doorbells, "reminder_24h")) == ["vol2"]


def test_cancelling_rings_everyone_drops_reminders_and_queues_sms_for_those_signed_up(as_user, db):
    from server.accounts.tables import Account
    from server.notify import sms
    from server.notify.tables import SmsMessage
    from tests.admin_helpers import post_form

    activity = db(an_activity)
    db(Account.update({Account.phone: "13900000002"}).where(Account.username == "vol2").run)
    db(sms.set_opt_in, db(account_id, "vol2"), True)
    sign_up(as_user("vol2"), activity)
    response = post_form(as_user("coord"), f"/activities/{activity}/cancel", {})
    assert response.status_code == 303, response.text
    assert who(db(doorbells, "activity_cancelled")) == ["vol1", "vol2"]
    assert [r for r in db(doorbells) if r["kind"].startswith("reminder")] == []
    [message] = db(SmsMessage.select(SmsMessage.phone, SmsMessage.text).run)
    assert message["phone"] == "13900000002" and "重阳节敬老服务" in message["text"]

"""报名: sign-ups arrive as entries and get places in arrival order; a full activity puts
them on the waiting list (said, never dropped); a withdrawal moves the first waiting up."""

from __future__ import annotations

from tests.activity_helpers import an_activity, sign_up, signup_entry, standings
from tests.admin_helpers import post_form
from tests.builders import push_results


def test_a_sign_up_gets_a_place(db, vol1):
    activity = db(an_activity)
    result = sign_up(vol1, activity)
    assert (result["status"], result["code"]) == ("accepted", "")
    assert db(standings, activity) == {"place": ["vol1"], "waiting": []}


def test_signing_up_twice_keeps_one_place(db, vol1):
    activity = db(an_activity)
    sign_up(vol1, activity)
    sign_up(vol1, activity)
    assert db(standings, activity) == {"place": ["vol1"], "waiting": []}


def test_the_same_entry_sent_twice_is_stored_once(db, vol1):
    activity = db(an_activity)
    entry = signup_entry(activity)
    first = push_results(vol1, [entry])
    again = push_results(vol1, [entry])
    assert [first[0]["status"], again[0]["status"]] == ["accepted", "duplicate"]
    assert db(standings, activity) == {"place": ["vol1"], "waiting": []}


def test_a_full_activity_puts_later_sign_ups_on_the_waiting_list_in_arrival_order(db, as_user):
    activity = db(an_activity, {"capacity": 1})
    assert sign_up(as_user("vol1"), activity)["code"] == ""
    second = sign_up(as_user("vol2"), activity)
    assert (second["status"], second["code"]) == ("accepted", "waiting_list")
    assert "候补名单第 1 位" in second["error"] and "1 个名额" in second["error"]
    third = sign_up(as_user("vol2"), activity)
    assert third["code"] == "", "already waiting: nothing changes"
    assert db(standings, activity) == {"place": ["vol1"], "waiting": ["vol2"]}


def test_a_withdrawal_moves_the_first_waiting_volunteer_up(db, as_user):
    async def third_member():
        from server.accounts import service as accounts
        from server.accounts.tables import Account

        team = await Account.select(Account.team).where(Account.username == "vol2").first()
        await accounts.create_account(
            "vol5", "doorstep-demo", display_name="赵五", role="volunteer", team_id=team["team"]
        )

    db(third_member)
    activity = db(an_activity, {"capacity": 1})
    vol1, vol2, vol5 = as_user("vol1"), as_user("vol2"), as_user("vol5")
    sign_up(vol1, activity)
    sign_up(vol2, activity)
    sign_up(vol5, activity)
    assert db(standings, activity) == {"place": ["vol1"], "waiting": ["vol2", "vol5"]}
    assert sign_up(vol1, activity, "withdraw")["status"] == "accepted"
    assert db(standings, activity) == {"place": ["vol2"], "waiting": ["vol5"]}


def test_withdrawing_from_the_waiting_list_moves_nobody(db, as_user):
    activity = db(an_activity, {"capacity": 1})
    sign_up(as_user("vol1"), activity)
    vol2 = as_user("vol2")
    sign_up(vol2, activity)
    sign_up(vol2, activity, "withdraw")
    assert db(standings, activity) == {"place": ["vol1"], "waiting": []}


def test_who_moved_up_is_returned_by_the_service(db, as_user):
    from server.activities import signups
    from server.db import write_transaction
    from tests.admin_helpers import account_id

    activity = db(an_activity, {"capacity": 1})
    sign_up(as_user("vol1"), activity)
    sign_up(as_user("vol2"), activity)

    async def withdraw():
        async with write_transaction():
            return await signups.withdraw(activity, await account_id("vol1"))

    outcome = db(withdraw)
    assert outcome.promoted == [db(account_id, "vol2")]


def test_raising_the_capacity_moves_waiting_volunteers_up(db, as_user):
    from tests.activity_helpers import activity_form
    from tests.admin_helpers import area_id

    activity = db(an_activity, {"capacity": 1})
    sign_up(as_user("vol1"), activity)
    sign_up(as_user("vol2"), activity)
    form = activity_form(area=str(db(area_id, "郧阳区")), signup="on", capacity="2", version="1")
    assert post_form(as_user("coord"), f"/activities/{activity}/edit", form).status_code == 303
    assert db(standings, activity) == {"place": ["vol1", "vol2"], "waiting": []}


def test_a_sign_up_for_a_cancelled_activity_is_refused_with_its_reason(db, as_user, vol1):
    activity = db(an_activity)
    post_form(as_user("coord"), f"/activities/{activity}/cancel")
    result = sign_up(vol1, activity)
    assert (result["status"], result["code"]) == ("rejected", "activity_closed")
    assert "已取消" in result["error"]


def test_a_sign_up_for_another_areas_activity_is_refused(db, as_user):
    activity = db(an_activity)
    result = sign_up(as_user("vol3"), activity)
    assert (result["status"], result["code"]) == ("rejected", "unknown_activity")
    assert db(standings, activity) == {"place": [], "waiting": []}


def test_an_activity_without_sign_up_takes_none(db, vol1):
    activity = db(an_activity, {"signup": ""})
    assert sign_up(vol1, activity)["code"] == "no_signup"


def test_the_page_says_where_the_volunteer_stands_and_why(db, as_user):
    activity = db(an_activity, {"capacity": 1})
    sign_up(as_user("vol1"), activity)
    vol2 = as_user("vol2")
    sign_up(vol2, activity)
    page = vol2.get(f"/activities/{activity}").text
    assert "候补第 1 位" in page and "报名送达时 1 个名额已满" in page
    assert "您已报名" in as_user("vol1").get(f"/activities/{activity}").text


def test_the_managers_page_lists_who_signed_up_and_who_waits(db, as_user):
    activity = db(an_activity, {"capacity": 1})
    sign_up(as_user("vol1"), activity)
    sign_up(as_user("vol2"), activity)
    page = as_user("coord").get(f"/activities/{activity}").text
    signed, waiting = page.split('id="signed-up"')[1].split('id="waiting-list"')
    assert "张志愿" in signed and "李红梅" not in signed
    assert "李红梅" in waiting


def test_the_form_signs_up_without_the_outbox_and_twice_stores_once(db, vol1):
    import re

    from tests.support import csrf

    activity = db(an_activity)
    page = vol1.get(f"/activities/{activity}").text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    fields["_csrf_token"] = csrf(vol1)
    first = vol1.post(f"/activities/{activity}/signup", data=fields, follow_redirects=False)
    again = vol1.post(f"/activities/{activity}/signup", data=fields, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert again.headers["location"].endswith("saved=duplicate")
    assert db(standings, activity) == {"place": ["vol1"], "waiting": []}

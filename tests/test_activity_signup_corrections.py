"""Correcting a sign-up (报名) decides the places again, as a withdrawal would: the latest
sign-up entry of a chain stands, a voided one holds no place."""

from __future__ import annotations

from tests.activity_helpers import an_activity, signup_entry, standings
from tests.builders import correction_entry, push_results


def _full_with_one_waiting(db, as_user) -> tuple[int, dict, object]:
    """A one-place activity: vol1's sign-up took the place, vol2 waits."""
    activity = db(an_activity, {"capacity": 1})
    vol1 = as_user("vol1")
    entry = signup_entry(activity)
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    assert push_results(as_user("vol2"), [signup_entry(activity)])[0]["code"] == "waiting_list"
    return activity, entry, vol1


def test_a_voided_sign_up_frees_its_place_for_the_first_who_waits(db, as_user):
    activity, entry, vol1 = _full_with_one_waiting(db, as_user)
    void = correction_entry(entry["id"], None, reason="报错了活动")
    assert push_results(vol1, [void])[0]["status"] == "accepted"
    assert db(standings, activity) == {"place": ["vol2"], "waiting": []}


def test_a_sign_up_corrected_into_a_withdrawal_frees_its_place(db, as_user):
    activity, entry, vol1 = _full_with_one_waiting(db, as_user)
    fix = correction_entry(entry["id"], {"activity_id": str(activity), "action": "withdraw"})
    assert push_results(vol1, [fix])[0]["status"] == "accepted"
    assert db(standings, activity) == {"place": ["vol2"], "waiting": []}


def test_a_sign_up_corrected_to_another_activity_moves_the_place_there(db, as_user):
    activity, entry, vol1 = _full_with_one_waiting(db, as_user)
    other = db(an_activity, {"title": "应急救护进社区"})
    fix = correction_entry(entry["id"], {"activity_id": str(other), "action": "signup"})
    assert push_results(vol1, [fix])[0]["status"] == "accepted"
    assert db(standings, activity) == {"place": ["vol2"], "waiting": []}
    assert db(standings, other) == {"place": ["vol1"], "waiting": []}


def test_a_voided_withdrawal_puts_the_volunteer_back_at_the_end_of_the_queue(db, as_user):
    activity, _, vol1 = _full_with_one_waiting(db, as_user)
    withdrawal = signup_entry(activity, "withdraw")
    push_results(vol1, [withdrawal])
    assert db(standings, activity) == {"place": ["vol2"], "waiting": []}
    push_results(vol1, [correction_entry(withdrawal["id"], None, reason="按错了")])
    assert db(standings, activity) == {"place": ["vol2"], "waiting": ["vol1"]}

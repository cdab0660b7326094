"""Activities reach phones with pull (kind ``activity``): the volunteers they are meant for
get them, with their own standing; changes and cancellations follow; nobody else gets them."""

from __future__ import annotations

from tests.activity_helpers import an_activity, create_activity, sign_up
from tests.admin_helpers import account_id, area_id, post_form, team_id
from tests.pull_helpers import of_kind, pull_all
from tests.support import login


def _activities(client, cursor: str = "") -> tuple[dict[str, dict], str]:
    changes, cursor = pull_all(client, cursor)
    return {c["id"]: c for c in of_kind(changes, "activity")}, cursor


def test_an_area_activity_reaches_every_volunteer_of_the_area(db, as_user):
    activity = str(db(an_activity))
    for username in ("vol1", "vol2"):
        pulled, _ = _activities(as_user(username))
        assert pulled[activity]["data"]["title"] == "重阳节敬老服务"
        assert pulled[activity]["data"]["mine"] == {"state": "none", "position": None}
    assert activity not in _activities(as_user("vol3"))[0]


def test_a_team_activity_reaches_that_team_only(db, as_user):
    coord = as_user("coord")
    activity = str(create_activity(coord, team=str(db(team_id, "郧阳区志愿服务一队"))))
    assert activity in _activities(as_user("vol2"))[0]
    assert activity not in _activities(as_user("vol3"))[0]
    assert activity not in _activities(as_user("vol4"))[0]


def test_the_pulled_activity_carries_what_the_phone_shows(db, as_user):
    form = {"capacity": 20, "latitude": "32.83", "longitude": "110.81", "radius_m": "300"}
    activity = str(db(an_activity, form))
    data = _activities(as_user("vol2"))[0][activity]["data"]
    assert data["starts_at"] == "2026-12-20T01:00:00+00:00"
    assert (data["kind"], data["status"], data["capacity"], data["signup"]) == (
        "volunteer_service", "planned", 20, True,
    )  # fmt: skip
    assert data["place_check"] == {"lat": 32.83, "lon": 110.81, "radius_m": 300}
    assert (data["counts_as_service"], data["external_number"]) == (True, "P2026-0042")


def test_a_change_and_a_cancellation_reach_the_phone(db, as_user):
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity = str(create_activity(coord, area=str(db(area_id, "郧阳区"))))
    _, cursor = _activities(vol2)
    form = {"title": "改期的活动", "version": "1", "area": str(db(area_id, "郧阳区"))}
    from tests.activity_helpers import activity_form

    post_form(coord, f"/activities/{activity}/edit", activity_form(**form))
    changed, cursor = _activities(vol2, cursor)
    assert (changed[activity]["data"]["title"], changed[activity]["version"]) == ("改期的活动", 2)
    post_form(coord, f"/activities/{activity}/cancel")
    cancelled, _ = _activities(vol2, cursor)
    assert cancelled[activity]["data"]["status"] == "cancelled"


def test_moving_an_activity_to_another_team_takes_it_off_the_first_teams_phones(db, as_user):
    from tests.activity_helpers import activity_form

    coord = as_user("coord")
    activity = str(create_activity(coord, area=str(db(area_id, "郧阳区"))))
    vol2 = as_user("vol2")
    _, cursor = _activities(vol2)

    async def second_team():
        from server.areas.tables import Area, Team

        area = await Area.select(Area.id).where(Area.name == "郧阳区").first()
        await Team.insert(Team(name="郧阳区志愿服务二队", area=area["id"]))

    db(second_team)
    form = activity_form(team=str(db(team_id, "郧阳区志愿服务二队")), version="1")
    assert post_form(coord, f"/activities/{activity}/edit", form).status_code == 303
    gone, _ = _activities(vol2, cursor)
    assert gone[activity]["deleted"] is True


def test_a_sign_up_comes_back_with_the_volunteers_standing(db, as_user):
    activity = db(an_activity, {"capacity": 1})
    vol1, vol2 = as_user("vol1"), as_user("vol2")
    sign_up(vol1, activity)
    sign_up(vol2, activity)
    assert _activities(vol1)[0][str(activity)]["data"]["mine"] == {
        "state": "place",
        "position": None,
    }
    _, cursor = _activities(vol2)
    assert _activities(vol2)[0][str(activity)]["data"]["mine"] == {
        "state": "waiting",
        "position": 1,
    }
    sign_up(vol1, activity, "withdraw")
    promoted, _ = _activities(vol2, cursor)
    assert promoted[str(activity)]["data"]["mine"]["state"] == "place"


def test_coordinators_pull_no_activities(db, as_user):
    db(an_activity)
    assert _activities(as_user("coord"))[0] == {}


def test_an_account_made_after_an_activity_pulls_it_at_once(db, as_user, new_client):
    activity = str(db(an_activity, {"capacity": 5}))
    form = {"username": "vol9", "display_name": "赵新", "team": db(team_id, "郧阳区志愿服务一队")}
    form["password"] = "new-password-9"
    assert post_form(as_user("coord"), "/admin/accounts", form).status_code == 303
    phone = new_client()
    login(phone, "vol9", "new-password-9")
    pulled = _activities(phone)[0]
    assert pulled[activity]["data"]["mine"] == {"state": "none", "position": None}
    assert "checkin_key" not in pulled[activity]["data"]


def test_a_volunteer_made_leader_pulls_the_teams_check_in_keys_at_once(db, as_user):
    activity = str(db(an_activity))
    vol2 = as_user("vol2")
    before, cursor = _activities(vol2)
    assert "checkin_key" not in before[activity]["data"]
    post_form(as_user("coord"), f"/admin/accounts/{db(account_id, 'vol2')}/leader", {"leader": "1"})
    after, cursor = _activities(vol2, cursor)
    assert len(after[activity]["data"]["checkin_key"]) > 10
    post_form(as_user("coord"), f"/admin/accounts/{db(account_id, 'vol2')}/leader", {"leader": "0"})
    again, _ = _activities(vol2, cursor)
    assert "checkin_key" not in again[activity]["data"]

"""活动: coordinators (for their areas) and team leaders (for their own team) create,
change, cancel, or mark as not held; volunteers cannot; every change is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.activity_helpers import activity_form, create_activity
from tests.admin_helpers import area_id, audit_actions, post_form, team_id
from tests.support import DEMO_PASSWORD


@pytest.fixture
def coord_fx(db, as_user):
    """A logged-in coordinator of 房县 (the other area)."""

    async def make():
        from server.accounts import service as accounts

        fang = (await accounts.area_ids_by_name(["房县"]))[0]
        await accounts.create_account(
            "coord_fx", DEMO_PASSWORD, display_name="房县工作人员", role="coordinator",
            area_ids=(fang,),
        )  # fmt: skip

    db(make)
    return as_user("coord_fx")


async def _activity(activity_id: int) -> dict:
    from server.activities.tables import Activity

    return await Activity.select().where(Activity.id == activity_id).first()


def test_a_coordinator_creates_an_activity_for_an_area(db, as_user):
    coord = as_user("coord")
    yunyang = db(area_id, "郧阳区")
    activity_id = create_activity(coord, area=str(yunyang), signup="on", capacity="20")
    row = db(_activity, activity_id)
    assert (row["title"], row["area"], row["team"], row["capacity"]) == (
        "重阳节敬老服务", yunyang, None, 20,
    )  # fmt: skip
    # 09:00 in Asia/Shanghai is 01:00 UTC.
    assert row["starts_at"] == dt.datetime(2026, 12, 20, 1, 0, tzinfo=dt.UTC)
    assert (row["status"], row["version"], row["counts_as_service"]) == ("planned", 1, True)
    assert db(audit_actions, "activity", activity_id) == ["activity.create"]
    page = coord.get(f"/activities/{activity_id}")
    assert page.status_code == 200 and "重阳节敬老服务" in page.text


def test_a_coordinator_creates_an_activity_for_one_team(db, as_user):
    team = db(team_id, "郧阳区志愿服务一队")
    activity_id = create_activity(as_user("coord"), team=str(team))
    row = db(_activity, activity_id)
    assert (row["team"], row["area"]) == (team, db(area_id, "郧阳区"))


def test_a_coordinator_cannot_create_one_for_another_area(db, as_user):
    response = post_form(
        as_user("coord"), "/activities", activity_form(area=str(db(area_id, "房县")))
    )
    assert response.status_code == 422
    assert "请选择活动面向的区域或团队" in response.text


def test_a_team_leader_creates_one_for_their_own_team_only(db, vol1):
    own = db(team_id, "郧阳区志愿服务一队")
    other = db(team_id, "房县志愿服务队")
    activity_id = create_activity(vol1, team=str(other), area=str(db(area_id, "房县")))
    assert db(_activity, activity_id)["team"] == own


def test_a_volunteer_cannot_create_activities(db, as_user):
    vol2 = as_user("vol2")
    assert vol2.get("/activities/new").status_code == 404
    response = post_form(vol2, "/activities", activity_form(area=str(db(area_id, "郧阳区"))))
    assert response.status_code == 404


def test_the_form_refuses_an_end_before_the_start(db, as_user):
    form = activity_form(area=str(db(area_id, "郧阳区")), ends_at="2026-12-20T08:00")
    response = post_form(as_user("coord"), "/activities", form)
    assert response.status_code == 422 and "结束时间必须晚于开始时间" in response.text


def test_a_half_given_place_check_is_refused(db, as_user):
    form = activity_form(area=str(db(area_id, "郧阳区")), latitude="32.8", longitude="")
    response = post_form(as_user("coord"), "/activities", form)
    assert response.status_code == 422


def test_a_place_check_is_kept(db, as_user):
    form = dict(latitude="32.83", longitude="110.81", radius_m="300")
    activity_id = create_activity(as_user("coord"), area=str(db(area_id, "郧阳区")), **form)
    row = db(_activity, activity_id)
    assert (row["latitude"], row["longitude"], row["radius_m"]) == (32.83, 110.81, 300)


def test_a_coordinator_changes_an_activity(db, as_user):
    coord = as_user("coord")
    activity_id = create_activity(coord, area=str(db(area_id, "郧阳区")))
    form = activity_form(area=str(db(area_id, "郧阳区")), title="敬老服务（改）", version="1")
    assert post_form(coord, f"/activities/{activity_id}/edit", form).status_code == 303
    row = db(_activity, activity_id)
    assert (row["title"], row["version"]) == ("敬老服务（改）", 2)
    assert db(audit_actions, "activity", activity_id) == ["activity.create", "activity.change"]


def test_a_change_from_an_old_form_is_refused(db, as_user):
    coord = as_user("coord")
    activity_id = create_activity(coord, area=str(db(area_id, "郧阳区")))
    form = activity_form(area=str(db(area_id, "郧阳区")), title="第一次", version="1")
    post_form(coord, f"/activities/{activity_id}/edit", form)
    response = post_form(coord, f"/activities/{activity_id}/edit", {**form, "title": "第二次"})
    assert response.status_code == 422
    assert db(_activity, activity_id)["title"] == "第一次"


def test_a_coordinator_cancels_an_activity(db, as_user):
    coord = as_user("coord")
    activity_id = create_activity(coord, area=str(db(area_id, "郧阳区")))
    assert post_form(coord, f"/activities/{activity_id}/cancel").status_code == 303
    assert db(_activity, activity_id)["status"] == "cancelled"
    assert "activity.cancelled" in db(audit_actions, "activity", activity_id)
    assert "已取消" in coord.get(f"/activities/{activity_id}").text


def test_a_coordinator_marks_that_it_did_not_take_place(db, as_user):
    coord = as_user("coord")
    activity_id = create_activity(coord, area=str(db(area_id, "郧阳区")))
    assert post_form(coord, f"/activities/{activity_id}/not-held").status_code == 303
    assert db(_activity, activity_id)["status"] == "not_held"
    assert db(audit_actions, "activity", activity_id)[-1] == "activity.not_held"


def test_a_leader_changes_and_cancels_their_teams_activity(db, vol1):
    activity_id = create_activity(vol1)
    form = activity_form(title="队内培训", version="1")
    assert post_form(vol1, f"/activities/{activity_id}/edit", form).status_code == 303
    assert post_form(vol1, f"/activities/{activity_id}/cancel").status_code == 303
    row = db(_activity, activity_id)
    assert (row["title"], row["status"]) == ("队内培训", "cancelled")


def test_a_leader_cannot_change_an_area_activity_or_another_teams(db, as_user, vol1):
    coord = as_user("coord")
    for_area = create_activity(coord, area=str(db(area_id, "郧阳区")))
    for_other_team = create_activity(coord, team=str(db(team_id, "郧阳区志愿服务一队")))
    assert post_form(vol1, f"/activities/{for_area}/cancel").status_code == 404
    assert vol1.get(f"/activities/{for_area}/edit").status_code == 404
    # The leader's own team, but made by the coordinator: the leader may change it.
    assert post_form(vol1, f"/activities/{for_other_team}/not-held").status_code == 303


def test_a_leader_of_another_team_is_refused(db, as_user, new_client):
    async def make_leader():
        from server.accounts.tables import Account

        await Account.update({Account.role: "leader"}).where(Account.username == "vol3")

    db(make_leader)
    activity_id = create_activity(as_user("vol1"))
    vol3 = as_user("vol3")
    assert post_form(vol3, f"/activities/{activity_id}/cancel").status_code == 404
    form = activity_form(title="别队改的", version="1")
    assert post_form(vol3, f"/activities/{activity_id}/edit", form).status_code == 404
    assert db(_activity, activity_id)["status"] == "planned"


def test_a_volunteer_cannot_change_or_cancel(db, as_user):
    activity_id = create_activity(as_user("coord"), area=str(db(area_id, "郧阳区")))
    vol2 = as_user("vol2")
    assert post_form(vol2, f"/activities/{activity_id}/cancel").status_code == 404
    assert post_form(vol2, f"/activities/{activity_id}/not-held").status_code == 404
    assert vol2.get(f"/activities/{activity_id}/edit").status_code == 404
    assert db(_activity, activity_id)["status"] == "planned"


def test_a_coordinator_of_another_area_cannot_see_or_change(db, as_user, coord_fx):
    activity_id = create_activity(as_user("coord"), area=str(db(area_id, "郧阳区")))
    assert coord_fx.get(f"/activities/{activity_id}").status_code == 404
    assert coord_fx.get(f"/activities/{activity_id}/edit").status_code == 404
    assert post_form(coord_fx, f"/activities/{activity_id}/cancel").status_code == 404
    assert "重阳节敬老服务" not in coord_fx.get("/activities").text
    assert db(_activity, activity_id)["status"] == "planned"


def test_volunteers_see_their_teams_and_areas_activities_only(db, as_user):
    coord = as_user("coord")
    create_activity(coord, area=str(db(area_id, "郧阳区")), title="全区活动")
    create_activity(coord, team=str(db(team_id, "郧阳区志愿服务一队")), title="一队活动")
    listing = as_user("vol2").get("/activities").text
    assert "全区活动" in listing and "一队活动" in listing
    elsewhere = as_user("vol3").get("/activities").text
    assert "全区活动" not in elsewhere and "一队活动" not in elsewhere


def test_a_volunteer_of_another_area_gets_404_on_the_page(db, as_user):
    activity_id = create_activity(as_user("coord"), area=str(db(area_id, "郧阳区")))
    assert as_user("vol3").get(f"/activities/{activity_id}").status_code == 404

"""Areas and teams: added, renamed and retired by coordinators within their areas, audited."""

from __future__ import annotations

import pytest

from tests.admin_helpers import account_id, area_id, audit_actions, post_form, team_id


@pytest.fixture
def coord(as_user):
    return as_user("coord")


async def area(name: str) -> dict | None:
    from server.areas.tables import Area

    return await Area.select().where(Area.name == name).first()


def test_a_coordinator_adds_a_township_under_their_county(coord, db):
    response = post_form(coord, f"/admin/areas/{db(area_id, '郧阳区')}/children", {"name": "新镇"})
    assert response.status_code == 303
    township = db(area, "新镇")
    assert township["level"] == "township"
    assert township["path"].startswith(db(area, "郧阳区")["path"])


def test_a_village_added_under_a_township_can_receive_a_roster(coord, db):
    post_form(coord, f"/admin/areas/{db(area_id, '大柳乡')}/children", {"name": "新建村"})
    village = db(area, "新建村")
    assert village["level"] == "village"
    page = coord.get("/admin/pairing").text
    assert f'value="{village["id"]}"' in page


def test_adding_an_area_is_audited(coord, db):
    post_form(coord, f"/admin/areas/{db(area_id, '大柳乡')}/children", {"name": "新建村"})
    assert db(audit_actions, "area", db(area_id, "新建村")) == ["area.create"]


def test_a_coordinator_renames_a_village(coord, db):
    village = db(area_id, "华家河村")
    response = post_form(coord, f"/admin/areas/{village}/rename", {"name": "华家河新村"})
    assert response.status_code == 303
    assert db(area, "华家河新村")["id"] == village
    assert "area.rename" in db(audit_actions, "area", village)


def test_a_name_already_used_beside_it_is_refused(coord, db):
    response = post_form(
        coord, f"/admin/areas/{db(area_id, '华家河村')}/rename", {"name": "大柳村"}
    )
    assert response.status_code == 422
    assert db(area, "华家河村") is not None


def test_retiring_a_township_retires_its_villages(coord, db):
    response = post_form(coord, f"/admin/areas/{db(area_id, '茶店镇')}/retire")
    assert response.status_code == 303
    assert db(area, "茶店镇")["retired"] and db(area, "樱桃沟村")["retired"]


def test_a_retired_village_takes_no_roster_rows(coord, db):
    post_form(coord, f"/admin/areas/{db(area_id, '樱桃沟村')}/retire")
    page = coord.get("/admin/pairing").text
    assert f'value="{db(area_id, "樱桃沟村")}"' not in page


def test_a_coordinator_cannot_retire_their_own_county(coord, db):
    response = post_form(coord, f"/admin/areas/{db(area_id, '郧阳区')}/retire")
    assert response.status_code == 422
    assert not db(area, "郧阳区")["retired"]


def test_a_coordinator_cannot_add_a_county(coord, db):
    assert post_form(coord, "/admin/areas", {"name": "新区"}).status_code == 404
    assert db(area, "新区") is None


def test_a_coordinator_adds_a_team_in_their_area(coord, db):
    response = post_form(coord, "/admin/teams", {"name": "二队", "area": db(area_id, "大柳乡")})
    assert response.status_code == 303
    assert "team.create" in db(audit_actions, "team", db(team_id, "二队"))


def test_a_coordinator_cannot_add_a_team_outside_their_area(coord, db):
    response = post_form(coord, "/admin/teams", {"name": "二队", "area": db(area_id, "房县")})
    assert response.status_code == 404


def test_a_coordinator_renames_and_retires_a_team(coord, db):
    team = db(team_id, "郧阳区志愿服务一队")
    post_form(coord, f"/admin/teams/{team}/rename", {"name": "郧阳一队"})
    post_form(coord, f"/admin/teams/{team}/retire")
    assert db(audit_actions, "team", team)[-2:] == ["team.rename", "team.retire"]
    assert (
        "retired" in coord.get(f"/admin/teams/{team}").text
        or "已停用" in coord.get(f"/admin/teams/{team}").text
    )


def test_a_coordinator_makes_a_volunteer_team_leader(coord, db):
    from server.accounts.tables import Account

    vol2 = db(account_id, "vol2")
    response = post_form(coord, f"/admin/accounts/{vol2}/leader", {"leader": "1"})
    assert response.status_code == 303

    async def role():
        return (await Account.select(Account.role).where(Account.id == vol2).first())["role"]

    assert db(role) == "leader"
    assert "account.role" in db(audit_actions, "account", vol2)


def test_a_leader_can_be_made_a_volunteer_again(coord, db):
    from server.accounts.tables import Account

    vol1 = db(account_id, "vol1")
    post_form(coord, f"/admin/accounts/{vol1}/leader", {"leader": "0"})

    async def role():
        return (await Account.select(Account.role).where(Account.id == vol1).first())["role"]

    assert db(role) == "volunteer"

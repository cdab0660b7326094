"""管理 is for coordinators (within their areas) and admins: everyone else gets 404."""

from __future__ import annotations

import pytest

from tests.admin_helpers import account_id, area_id, post_form, team_id
from tests.helpers import household_ids_of

PAGES = [
    "/admin",
    "/admin/areas",
    "/admin/teams",
    "/admin/accounts",
    "/admin/roster",
    "/admin/pairing",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_volunteer_gets_404_on_every_manage_page(vol1, path):
    assert vol1.get(path).status_code == 404


def test_a_volunteer_cannot_post_to_manage_pages(vol1, db):
    response = post_form(vol1, "/admin/accounts", {"username": "x1", "display_name": "x"})
    assert response.status_code == 404


def test_a_volunteer_has_no_manage_link(vol1):
    assert 'href="/admin"' not in vol1.get("/").text


def test_a_coordinator_has_a_manage_link_in_the_bottom_navigation(as_user):
    page = as_user("coord").get("/").text
    nav = page[page.index('<nav class="tabs"') :]
    assert 'href="/admin"' in nav and "管理" in nav


@pytest.mark.parametrize("path", PAGES)
def test_a_coordinator_opens_every_manage_page(as_user, path):
    assert as_user("coord").get(path).status_code == 200


def test_a_coordinator_cannot_open_an_area_outside_their_areas(as_user, db):
    assert as_user("coord").get(f"/admin/areas/{db(area_id, '房县')}").status_code == 404


def test_a_coordinator_cannot_rename_an_area_outside_their_areas(as_user, db):
    coord = as_user("coord")
    response = post_form(coord, f"/admin/areas/{db(area_id, '西关村')}/rename", {"name": "新村"})
    assert response.status_code == 404


def test_a_coordinator_cannot_open_a_team_outside_their_areas(as_user, db):
    assert as_user("coord").get(f"/admin/teams/{db(team_id, '房县志愿服务队')}").status_code == 404


def test_a_coordinator_cannot_open_an_account_outside_their_areas(as_user, db):
    assert as_user("coord").get(f"/admin/accounts/{db(account_id, 'vol3')}").status_code == 404


def test_a_coordinator_cannot_deactivate_an_account_outside_their_areas(as_user, db):
    coord = as_user("coord")
    response = post_form(coord, f"/admin/accounts/{db(account_id, 'vol3')}/deactivate")
    assert response.status_code == 404
    assert as_user("vol3").get("/").status_code == 200


def test_a_coordinator_lists_only_accounts_within_their_areas(as_user, db):
    page = as_user("coord").get("/admin/accounts").text
    assert f'data-account="{db(account_id, "vol1")}"' in page
    assert f'data-account="{db(account_id, "vol3")}"' not in page


def test_a_coordinator_cannot_list_pairings_of_a_village_outside_their_areas(as_user, db):
    response = as_user("coord").get(f"/admin/pairing?village={db(area_id, '西关村')}")
    assert response.status_code == 404


def test_an_admin_manages_everywhere(as_user, db):
    from server.accounts import service as accounts
    from tests.support import DEMO_PASSWORD

    db(lambda: accounts.create_account("boss", DEMO_PASSWORD, display_name="管理员", role="admin"))
    admin = as_user("boss")
    assert admin.get(f"/admin/areas/{db(area_id, '房县')}").status_code == 200
    assert admin.get(f"/admin/accounts/{db(account_id, 'vol3')}").status_code == 200
    [fang, *_] = db(household_ids_of, "vol3")
    response = post_form(
        admin, "/admin/pairing/pair", {"household": fang, "volunteer": db(account_id, "vol4")}
    )
    assert response.status_code == 303

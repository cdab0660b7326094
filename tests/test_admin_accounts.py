"""Accounts: coordinators create volunteers in their teams, reset passwords, deactivate
(every session ends at once, login refuses, nothing recorded is deleted)."""

from __future__ import annotations

import pytest

from tests.admin_helpers import account_id, audit_actions, post_form, team_id
from tests.helpers import household_ids_of
from tests.support import DEMO_PASSWORD, ORIGIN, csrf


@pytest.fixture
def coord(as_user):
    return as_user("coord")


def _login(client, username, password):
    return client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": csrf(client)},
        follow_redirects=False,
    )


def test_a_coordinator_creates_a_volunteer_who_can_log_in(coord, client, db):
    response = post_form(
        coord,
        "/admin/accounts",
        {
            "username": "vol9",
            "display_name": "赵新",
            "team": db(team_id, "郧阳区志愿服务一队"),
            "password": "a-good-password",
        },
    )
    assert response.status_code == 303
    assert _login(client, "vol9", "a-good-password").status_code == 303
    assert "account.create" in db(audit_actions, "account", db(account_id, "vol9"))


def test_a_volunteer_created_without_a_password_cannot_log_in_with_an_empty_one(coord, client, db):
    post_form(
        coord,
        "/admin/accounts",
        {"username": "vol9", "display_name": "赵新", "team": db(team_id, "郧阳区志愿服务一队")},
    )
    assert _login(client, "vol9", "").status_code == 401


def test_a_taken_user_name_is_refused(coord, db):
    response = post_form(
        coord,
        "/admin/accounts",
        {"username": "vol1", "display_name": "重名", "team": db(team_id, "郧阳区志愿服务一队")},
    )
    assert response.status_code == 422


def test_a_coordinator_cannot_create_a_volunteer_in_a_team_outside_their_areas(coord, db):
    response = post_form(
        coord,
        "/admin/accounts",
        {"username": "vol9", "display_name": "赵新", "team": db(team_id, "房县志愿服务队")},
    )
    assert response.status_code == 404


def test_a_coordinator_cannot_create_a_coordinator(coord, db):
    response = post_form(
        coord,
        "/admin/accounts",
        {
            "username": "boss2",
            "display_name": "x",
            "team": db(team_id, "郧阳区志愿服务一队"),
            "role": "coordinator",
        },
    )
    assert response.status_code == 422


def test_a_reset_password_replaces_the_old_one(coord, client, db):
    response = post_form(
        coord, f"/admin/accounts/{db(account_id, 'vol2')}/password", {"password": "new-password-2"}
    )
    assert response.status_code == 303
    assert _login(client, "vol2", DEMO_PASSWORD).status_code == 401
    assert _login(client, "vol2", "new-password-2").status_code == 303


def test_a_reset_password_ends_the_accounts_sessions(coord, as_user, db):
    phone = as_user("vol2")
    post_form(
        coord, f"/admin/accounts/{db(account_id, 'vol2')}/password", {"password": "new-password-2"}
    )
    assert phone.get("/", follow_redirects=False).status_code == 303
    assert phone.get("/api/sync/pull", headers={"Origin": ORIGIN}).status_code == 401


def test_a_deactivated_account_cannot_log_in(coord, client, db):
    response = post_form(coord, f"/admin/accounts/{db(account_id, 'vol2')}/deactivate")
    assert response.status_code == 303
    assert _login(client, "vol2", DEMO_PASSWORD).status_code == 401


def test_deactivating_ends_every_session_at_once(coord, as_user, db):
    from server.accounts.tables import AuthSession

    phone, browser = as_user("vol2"), as_user("vol2")
    post_form(coord, f"/admin/accounts/{db(account_id, 'vol2')}/deactivate")
    vol2 = db(account_id, "vol2")

    async def sessions():
        return await AuthSession.count().where(AuthSession.account == vol2)

    assert db(sessions) == 0
    assert phone.get("/", follow_redirects=False).status_code == 303
    assert (
        browser.get("/api/sync/pull", headers={"Origin": "http://testserver.local"}).status_code
        == 401
    )


def test_deactivating_keeps_what_the_account_recorded(coord, db):
    from server.entries.tables import Entry

    vol1 = db(account_id, "vol1")

    async def entries():
        return await Entry.count().where(Entry.account == vol1)

    before = db(entries)
    post_form(coord, f"/admin/accounts/{vol1}/deactivate")
    assert before and db(entries) == before
    assert db(household_ids_of, "vol1")


def test_deactivation_is_audited(coord, db):
    vol2 = db(account_id, "vol2")
    post_form(coord, f"/admin/accounts/{vol2}/deactivate")
    assert "account.deactivate" in db(audit_actions, "account", vol2)


def test_a_reactivated_account_logs_in_again(coord, client, db):
    vol2 = db(account_id, "vol2")
    post_form(coord, f"/admin/accounts/{vol2}/deactivate")
    post_form(coord, f"/admin/accounts/{vol2}/reactivate")
    assert _login(client, "vol2", DEMO_PASSWORD).status_code == 303

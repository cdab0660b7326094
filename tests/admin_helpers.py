"""Shared steps of the 管理 tests: posting forms, finding demo rows by name."""

from __future__ import annotations

from tests.support import csrf


def post_form(client, url: str, data: dict | None = None, **kwargs):
    """POST a form with the CSRF token, without following the redirect."""
    return client.post(
        url,
        data={**(data or {}), "_csrf_token": csrf(client)},
        follow_redirects=False,
        **kwargs,
    )


async def area_id(name: str) -> int:
    """The id of the demo area called ``name``."""
    from server.areas.tables import Area

    return (await Area.select(Area.id).where(Area.name == name).first())["id"]


async def account_id(username: str) -> int:
    """The id of the account ``username``."""
    from server.accounts.tables import Account

    return (await Account.select(Account.id).where(Account.username == username).first())["id"]


async def team_id(name: str) -> int:
    """The id of the team called ``name``."""
    from server.areas.tables import Team

    return (await Team.select(Team.id).where(Team.name == name).first())["id"]


async def audit_actions(table_name: str, row_id) -> list[str]:
    """The audit actions recorded for one row, oldest first."""
    from server.audit.tables import AuditLog

    rows = (
        await AuditLog.select(AuditLog.action)
        .where((AuditLog.table_name == table_name) & (AuditLog.row_id == str(row_id)))
        .order_by(AuditLog.id)
    )
    return [r["action"] for r in rows]


def push_patch(client, household_id: int, base_version: int, **changes):
    """A phone's ``household_patch`` through ``POST /api/sync/push``; returns its result."""
    import json
    import uuid

    from tests.support import ORIGIN

    entry = {
        "id": str(uuid.uuid4()),
        "kind": "household_patch",
        "schema": 1,
        "recorded_at": "2026-11-20T10:00:00+08:00",
        "data": {
            "household_id": str(household_id),
            "base_version": base_version,
            "changes": changes,
        },
    }
    body = {"device_id": "phone-1", "app_version": "test", "entries": [entry]}
    response = client.post(
        "/api/sync/push",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )
    assert response.status_code == 200, response.text
    return response.json()["results"][0]


def pull_everything(client, cursor: str = "") -> tuple[list[dict], str]:
    """Every change from ``cursor`` on through ``GET /api/sync/pull``, and the new cursor."""
    from tests.support import ORIGIN

    changes: list[dict] = []
    while True:
        response = client.get(
            "/api/sync/pull",
            params={"cursor": cursor, "device_id": "phone-1"},
            headers={"Origin": ORIGIN},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        changes += body["changes"]
        cursor = body["cursor"]
        if not body["more"]:
            return changes, cursor

"""Shared steps of the 管理 tests: posting forms, finding demo rows by name."""

from __future__ import annotations

from tests.builders import patch_entry, push_results
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
    [result] = push_results(
        client, [patch_entry(household_id, base_version, **changes)], device_id="phone-1"
    )
    return result

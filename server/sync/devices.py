"""Revoking a device: its next push or pull answers 410 ``device_revoked`` (the phone wipes)."""

from __future__ import annotations

import functools
import operator
from typing import Any

from server.accounts.tables import Account, AuthSession
from server.actor import Actor
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_
from server.pairings.tables import Pairing
from server.sync.tables import Device

REVOKED = N_("This device was removed by a coordinator. The data saved on it is being cleared.")
"""The message of a 410 ``device_revoked`` answer to a push or a pull."""


async def is_revoked(device_id: str) -> bool:
    """True when a coordinator revoked ``device_id``."""
    if not device_id:
        return False
    return await Device.exists().where(
        (Device.device_id == device_id) & (Device.revoked == True)  # noqa: E712
    )


async def _accounts_in_scope(actor: Actor) -> list[int] | None:
    """Accounts a coordinator looks after (None: all, for an admin).

    A volunteer is in a coordinator's areas when their team belongs to one of the
    areas, or when they are paired now with a household in one of them.
    """
    if actor.is_admin:
        return None
    if actor.role != "coordinator" or not actor.area_paths:
        return []
    team_rows = await Account.select(Account.id).where(
        functools.reduce(
            operator.or_, [Account.team.area.path.like(f"{p}%") for p in actor.area_paths]
        )
    )
    paired_rows = await Pairing.select(Pairing.volunteer).where(
        Pairing.ended_at.is_null()
        & functools.reduce(
            operator.or_,
            [Pairing.household.village.path.like(f"{p}%") for p in actor.area_paths],
        )
    )
    return sorted({r["id"] for r in team_rows} | {r["volunteer"] for r in paired_rows})


async def devices_for(actor: Actor) -> list[dict[str, Any]]:
    """The devices of the accounts ``actor`` looks after, most recently seen first."""
    select = Device.select(Device.all_columns(), Device.account.display_name)
    accounts = await _accounts_in_scope(actor)
    if accounts is not None:
        select = select.where(Device.account.is_in(accounts or [-1]))
    return await select.order_by(Device.last_seen_at, ascending=False).limit(500)


async def revoke(actor: Actor, device_row_id: int) -> bool:
    """Revoke a device of an account in ``actor``'s areas, ending its sessions.

    False when it is not theirs to revoke.
    """
    accounts = await _accounts_in_scope(actor)
    async with write_transaction():
        row = await Device.select().where(Device.id == device_row_id).first()
        if row is None or (accounts is not None and row["account"] not in accounts):
            return False
        # Pages and a pull with a new device id would still work on the phone's session;
        # it is kept, marked, so the phone's next sync still learns to wipe itself.
        await AuthSession.update({AuthSession.revoked: True}).where(
            AuthSession.device_id == row["device_id"]
        )
        if not row["revoked"]:
            await Device.update({Device.revoked: True}).where(Device.id == device_row_id)
            await audit.record(
                actor.id,
                "device.revoke",
                "device",
                device_row_id,
                {"device_id": row["device_id"], "revoked": False},
                {"device_id": row["device_id"], "revoked": True},
            )
    return True

"""Revoking a device: its next push or pull answers 410 ``device_revoked`` (the phone wipes)."""

from __future__ import annotations

from typing import Any

from server import scope
from server.accounts.tables import AuthSession
from server.actor import Actor
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_
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


async def devices_for(actor: Actor) -> list[dict[str, Any]]:
    """The devices of the accounts ``actor`` looks after, most recently seen first."""
    select = Device.select(Device.all_columns(), Device.account.display_name)
    visible = scope.devices(actor)
    if visible is not None:
        select = select.where(visible)
    return await select.order_by(Device.last_seen_at, ascending=False).limit(500)


async def revoke(actor: Actor, device_row_id: int) -> bool:
    """Revoke a device of an account in ``actor``'s areas, ending its sessions.

    False when it is not theirs to revoke.
    """
    where = Device.id == device_row_id
    visible = scope.devices(actor)
    if visible is not None:
        where &= visible
    async with write_transaction():
        row = await Device.select().where(where).first()
        if row is None:
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

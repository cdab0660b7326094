"""Devices that sync, and what they last reported."""

from __future__ import annotations

from server.actor import now
from server.db import write_transaction
from server.sync.tables import Device


async def record_device(
    device_id: str,
    account_id: int,
    app_version: str,
    pending_count: int,
    oldest_pending_at: str | None,
) -> None:
    """Remember a device's latest sync (id, account, version, backlog)."""
    values = {
        Device.account: account_id,
        Device.app_version: app_version,
        Device.last_seen_at: now(),
        Device.pending_count: pending_count,
        Device.oldest_pending_at: oldest_pending_at or "",
    }
    async with write_transaction():
        updated = (
            await Device.update(values).where(Device.device_id == device_id).returning(Device.id)
        )
        if not updated:
            await Device.insert(
                Device(
                    device_id=device_id, **{column._meta.name: v for column, v in values.items()}
                )
            ).on_conflict(target=Device.device_id, action="DO NOTHING")

"""Devices that sync, and what they last reported."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from server.accounts import service as accounts
from server.actor import now
from server.db import write_transaction
from server.notices.tables import NoticeRecipient
from server.sync.tables import Device
from server.system import service as system

MAX_OFFSET_MS = 2**31 - 1
"""The column is 32 bits; a phone's clock off by more than 24 days is stored at the bound."""


@dataclass(frozen=True)
class DeviceReport:
    """What a phone says about itself with a push or a pull (None: it did not say)."""

    device_id: str
    app_version: str | None = None
    pending_count: int | None = None
    """Entries waiting on the phone (all its accounts) once this sync is done."""
    oldest_pending_at: str | None = None
    device_time: dt.datetime | None = None
    """The phone's clock when it sent the request."""


def clock_offset_ms(device_time: dt.datetime, server_time: dt.datetime) -> int:
    """Server time minus device time in milliseconds, clipped to what the column holds."""
    offset = round((server_time - device_time).total_seconds() * 1000)
    return max(-MAX_OFFSET_MS, min(MAX_OFFSET_MS, offset))


class DeviceRevoked(Exception):
    """The device was revoked: the sync is refused (410) and its transaction rolled back."""


async def record_sync(
    account_id: int, session: accounts.Session, session_days: int, report: DeviceReport
) -> None:
    """Remember a device's latest sync and extend the session that made it.

    Runs inside the caller's write transaction when there is one (a push: the
    ingest's), so a sync costs one commit. Raises ``DeviceRevoked`` for a device a
    coordinator revoked, which undoes everything that transaction did.
    """
    received = now()
    values = {Device.account: account_id, Device.last_seen_at: received}
    if report.app_version is not None:
        values[Device.app_version] = report.app_version
    if report.pending_count is not None:
        values[Device.pending_count] = report.pending_count
        values[Device.oldest_pending_at] = report.oldest_pending_at or ""
    if report.device_time is not None:
        values[Device.clock_offset_ms] = clock_offset_ms(report.device_time, received)
    async with write_transaction():
        if report.device_id and await _upsert(report.device_id, values):
            raise DeviceRevoked(report.device_id)
        await accounts.extend_session(session, session_days, report.device_id)


async def _upsert(device_id: str, values: dict) -> bool:
    """Write the device's row; True when it was revoked."""
    updated = (
        await Device.update(values).where(Device.device_id == device_id).returning(Device.revoked)
    )
    if updated:
        return bool(updated[0]["revoked"])
    await Device.insert(
        Device(device_id=device_id, **{column._meta.name: v for column, v in values.items()})
    ).on_conflict(target=Device.device_id, action="DO NOTHING")
    return False


async def epoch(state: Any) -> str:
    """The sync epoch, read once per app (``state``: the app's state).

    It changes only when a backup is restored, which is done with the app stopped.
    """
    if "epoch" not in state:
        state.epoch = await system.epoch()
    return state.epoch


async def notices_pulled(account_id: int, notice_ids: list[int]) -> None:
    """A phone of the account pulled these notices: they reached it (the sender counts it)."""
    if notice_ids:
        await NoticeRecipient.update({NoticeRecipient.delivered_at: now()}).where(
            (NoticeRecipient.account == account_id)
            & NoticeRecipient.notice.is_in(notice_ids)
            & NoticeRecipient.delivered_at.is_null()
        )

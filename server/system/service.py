"""Deployment-wide values that must agree across processes."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from server.system.tables import SystemValue


async def get_or_create(key: str, make: Callable[[], str]) -> str:
    """The value stored under ``key``, created by ``make`` the first time.

    Two processes starting together may both try to create it; the unique key
    lets exactly one win and both then read the winner's value.
    """
    row = await SystemValue.select(SystemValue.value).where(SystemValue.key == key).first()
    if row is not None:
        return row["value"]
    await SystemValue.insert(SystemValue(key=key, value=make())).on_conflict(
        target=SystemValue.key, action="DO NOTHING"
    )
    row = await SystemValue.select(SystemValue.value).where(SystemValue.key == key).first()
    assert row is not None
    return row["value"]


async def secret_key() -> str:
    """The secret that signs CSRF tokens, made once per deployment."""
    return await get_or_create("secret_key", lambda: secrets.token_urlsafe(48))


async def epoch() -> str:
    """The sync epoch: it changes only when history is reset (a restore)."""
    return await get_or_create("epoch", lambda: secrets.token_hex(8))


async def set_value(key: str, value: str) -> None:
    """Replace a value (used by restore to start a new epoch)."""
    await SystemValue.delete().where(SystemValue.key == key)
    await SystemValue.insert(SystemValue(key=key, value=value))

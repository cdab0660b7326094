"""Phones sitting on unsynced entries: what each reported at its last sync.

A phone reports ``pending_count`` and ``oldest_pending_at`` (its own clock, RFC 3339
with an offset) with every push and pull. Text with offsets does not compare as time in
SQL, so the database narrows by the date part (a day of margin for offsets) and the
exact age is read from the few rows left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from server import scope
from server.actor import Actor, now
from server.sync.tables import Device
from server.wire import parse_time

DAYS = 3
"""Phones holding entries longer than this are listed unless the page asks otherwise."""


def days_of(value: str | None) -> int:
    """The number of days a page asks for (1 to 365), else ``DAYS``."""
    days = int(value) if value and value.isascii() and value.isdigit() else DAYS
    return days if 1 <= days <= 365 else DAYS


async def holding(actor: Actor, days: int) -> list[dict[str, Any]]:
    """Devices of the volunteers ``actor`` looks after that have held an unsynced entry
    for more than ``days`` days, the longest first."""
    since = now() - dt.timedelta(days=days)
    margin = (since + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    where = (
        (Device.pending_count > 0)
        & (Device.oldest_pending_at != "")
        & (Device.oldest_pending_at < margin)
        & (Device.revoked == False)  # noqa: E712
    )
    if (visible := scope.devices(actor)) is not None:
        where &= visible
    rows = (
        await Device.select(
            Device.all_columns(),
            Device.account.display_name,
            Device.account.phone,
            Device.account.team.name,
        )
        .where(where)
        .limit(2000)
    )
    found = []
    for row in rows:
        oldest = parse_time(row["oldest_pending_at"])
        if oldest is not None and oldest < since:
            found.append({**row, "oldest": oldest, "days": (now() - oldest).days})
    return sorted(found, key=lambda r: r["oldest"])

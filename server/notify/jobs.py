"""The notification job table: scheduling doorbells, and claiming them to send.

A doorbell is a ``Notification`` row, written in the transaction of whatever caused it
(a notice, a pairing, a flagged entry), so a rollback rings nothing and a commit can
never lose one. The background worker claims due rows: on PostgreSQL with
``FOR UPDATE SKIP LOCKED`` (two processes claiming together get different rows), on
SQLite inside the one writer's transaction. A claim is a lease: a process that dies
while sending leaves its rows to be claimed again once the lease ends, and the repeat
carries the same ``Topic`` and tag, so the phone replaces the first copy instead of
showing two.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import weakref
from dataclasses import dataclass
from typing import Any

from server.actor import now
from server.db import insert_rows, is_sqlite, write_transaction
from server.notify.tables import Notification

LEASE = dt.timedelta(minutes=5)
"""How long a claim holds: far beyond a send's timeout, so only a dead process loses one."""
TTL_HOURS = {"high": 6, "normal": 12}
"""How long a push service keeps a doorbell for a phone that is offline (never 0: that
drops it)."""

_events: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)
"""Each serving loop's wake-up call (a test or a command may run its own loop)."""


@dataclass(frozen=True)
class Doorbell:
    """One notification to schedule for one account."""

    account: int
    kind: str
    """What happened, in the phone's words (``notice``, ``pairing``...); never personal data."""
    target: str
    """The page a tap opens."""
    key: str
    """One per event and account (scheduling it again is a no-op)."""
    urgency: str = "normal"
    due_at: dt.datetime | None = None


def topic_of(key: str) -> str:
    """The Web Push ``Topic`` for a key: 32 characters of the URL-safe base64 alphabet."""
    digest = hashlib.sha256(key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:32]


async def schedule(doorbells: list[Doorbell]) -> None:
    """Write the doorbells, inside the caller's transaction when there is one (call
    ``wake`` once it has committed: a worker woken earlier would not see them yet)."""
    if not doorbells:
        return
    made = now()
    rows = [
        {
            "account": d.account,
            "kind": d.kind,
            "target": d.target,
            "key": d.key[:160],
            "topic": topic_of(d.key),
            "urgency": d.urgency,
            "ttl": TTL_HOURS.get(d.urgency, 12) * 3600,
            "due_at": d.due_at or made,
            "state": "pending",
            "lease_until": None,
            "attempts": 0,
            "delivered": 0,
            "sent_at": None,
            "created_at": made,
        }
        for d in doorbells
    ]
    async with write_transaction():
        for start in range(0, len(rows), 1000):
            await insert_rows(
                Notification, rows[start : start + 1000], on_conflict=Notification.key
            )


def wake() -> None:
    """Tell this process's worker that something is due now (other processes poll)."""
    for loop, event in list(_events.items()):
        if not loop.is_closed():
            loop.call_soon_threadsafe(event.set)


def listen() -> asyncio.Event:
    """This loop's wake-up call, made before the worker's first wait: a ``wake`` that comes
    while the worker is still busy (a stop just after the start) must not be lost."""
    loop = asyncio.get_running_loop()
    event = _events.get(loop)
    if event is None:
        event = _events[loop] = asyncio.Event()
    return event


async def wait(seconds: float) -> None:
    """Sleep until woken (since the last wait) or ``seconds`` have passed."""
    event = listen()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=max(seconds, 0.01))
    event.clear()


CLAIMED = (
    Notification.id,
    Notification.account,
    Notification.kind,
    Notification.target,
    Notification.topic,
    Notification.urgency,
    Notification.ttl,
    Notification.attempts,
)


def _claimable(at: dt.datetime) -> Any:
    pending = (Notification.state == "pending") & (Notification.due_at <= at)
    abandoned = (Notification.state == "sending") & (Notification.lease_until < at)
    return pending | abandoned


async def claim(limit: int) -> list[dict[str, Any]]:
    """Take up to ``limit`` due doorbells for this process (oldest first)."""
    at = now()
    # A look first, outside any transaction: most polls find nothing, and need no writer.
    if not await Notification.exists().where(_claimable(at)):
        return []
    async with write_transaction():
        select = (
            Notification.select(Notification.id)
            .where(_claimable(at))
            .order_by(Notification.due_at)
            .limit(limit)
        )
        if not is_sqlite():
            select = select.lock_rows("UPDATE", skip_locked=True)
        ids = [r["id"] for r in await select]
        if not ids:
            return []
        return (
            await Notification.update(
                {
                    Notification.state: "sending",
                    Notification.lease_until: at + LEASE,
                    Notification.attempts: Notification.attempts + 1,
                }
            )
            .where(Notification.id.is_in(ids))
            .returning(*CLAIMED)
        )


async def finished(delivered: dict[int, int]) -> None:
    """Mark claimed doorbells sent, each with how many subscriptions took it."""
    at = now()
    by_count: dict[int, list[int]] = {}
    for job, count in delivered.items():
        by_count.setdefault(count, []).append(job)
    async with write_transaction():
        for count, ids in by_count.items():
            await Notification.update(
                {
                    Notification.state: "sent",
                    Notification.sent_at: at,
                    Notification.delivered: count,
                    Notification.lease_until: None,
                }
            ).where(Notification.id.is_in(ids))


async def retry_later(job_ids: list[int], delay: dt.timedelta) -> None:
    """Give claimed doorbells back, due again after ``delay`` (a push service failed)."""
    if job_ids:
        await Notification.update(
            {
                Notification.state: "pending",
                Notification.due_at: now() + delay,
                Notification.lease_until: None,
            }
        ).where(Notification.id.is_in(job_ids))


async def next_due() -> dt.datetime | None:
    """When the earliest pending doorbell is due (None: nothing is waiting)."""
    row = (
        await Notification.select(Notification.due_at)
        .where(Notification.state == "pending")
        .order_by(Notification.due_at)
        .first()
    )
    return row["due_at"] if row else None

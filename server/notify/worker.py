"""The background worker in each app process: rings due doorbells and sends due SMS.

It runs as a task on the serving loop, beside the requests, and never inside one: a
push service that is slow or hangs costs the worker's own time (each push has a
timeout, and at most ``push_concurrency`` are in flight), never a page's or a sync's.
Work is claimed from the job tables (see ``jobs``), so several processes share it and
each doorbell is rung by one of them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import aiohttp

from server.actor import now
from server.notify import jobs, sms, triggers, vapid
from server.notify.webpush import Sender
from server.settings import Settings

log = logging.getLogger("doorstep.notify")
BATCH = 200
STALE_CHECK = dt.timedelta(hours=1)


class Worker:
    """Started with the app (``start``), stopped with it (``stop``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.task: asyncio.Task | None = None
        self.stopping = False
        self.stale_checked: dt.datetime | None = None

    async def start(self) -> None:
        """Begin working on the running loop."""
        if self.settings.notify_worker:
            self.stopping = False  # an app may be started again after a stop
            jobs.listen()
            self.task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        """Finish the batch in hand (up to a send's timeout), then stop."""
        if self.task is None:
            return
        self.stopping = True
        jobs.wake()
        try:
            await asyncio.wait_for(
                asyncio.shield(self.task), self.settings.push_timeout_seconds + 5
            )
        except (TimeoutError, asyncio.CancelledError):
            self.task.cancel()
        except Exception:  # already logged by run()
            pass
        self.task = None

    async def run(self) -> None:
        """Claim and send until stopped."""
        limit = max(1, self.settings.push_concurrency)
        connector = aiohttp.TCPConnector(limit=limit, limit_per_host=limit)
        async with aiohttp.ClientSession(connector=connector) as session:
            sender: Sender | None = None
            while not self.stopping:
                try:
                    claimed = await jobs.claim(BATCH)
                    if claimed:
                        if sender is None:
                            sender = Sender(self.settings, session, await vapid.keys())
                        await sender.ring(claimed)
                        continue
                    if await sms.send_due(self.settings, session):
                        continue
                    await self._check_stale_phones()
                    await jobs.wait(await self._idle_seconds())
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("notification worker")
                    await jobs.wait(self.settings.notify_poll_seconds)

    async def _idle_seconds(self) -> float:
        wait = self.settings.notify_poll_seconds
        for due in (await jobs.next_due(), await sms.next_due()):
            if due is not None:
                wait = min(wait, max((due - now()).total_seconds(), 0.2))
        return wait

    async def _check_stale_phones(self) -> None:
        if self.stale_checked and now() - self.stale_checked < STALE_CHECK:
            return
        self.stale_checked = now()
        today = now().astimezone(ZoneInfo(self.settings.time_zone)).date().isoformat()
        await triggers.stale_phones(self.settings.stale_device_days, today)
        jobs.wake()

"""Ringing phones through their push services (pywebpush's ``webpush_async``).

One shared aiohttp session per worker; a fresh claims dict per push (pywebpush writes
``aud`` and ``exp`` into the dict it is given); a TTL of hours (the default 0 drops a
push for a phone that is offline); ``Urgency`` and ``Topic`` headers; a timeout; at most
``push_concurrency`` pushes in flight. A subscription its push service answers 404 or
410 for is gone and is deleted. The payload names only what kind of thing happened and
the page to open: the details load from the app, behind the login.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from pywebpush import WebPushException, webpush_async

from server.actor import now
from server.notify import jobs
from server.notify.tables import PushSubscription
from server.notify.vapid import Keys
from server.settings import Settings

log = logging.getLogger("doorstep.push")
GONE = (404, 410)
MAX_ATTEMPTS = 6
"""A doorbell whose push services keep failing is given up after this many tries."""


def payload(job: dict[str, Any]) -> str:
    """What the phone's worker receives: the kind, the page to open, the tag. Nothing personal."""
    return json.dumps({"kind": job["kind"], "path": job["target"], "tag": job["topic"]})


def subject(settings: Settings) -> str:
    """The ``sub`` claim: the configured contact, else the public origin."""
    return settings.vapid_subject or "mailto:doorstep@localhost"


@dataclass
class Outcome:
    """What became of one claimed batch."""

    delivered: dict[int, int] = field(default_factory=dict)
    """Doorbell id to the subscriptions that took it (finished doorbells only)."""
    retry: list[int] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)
    """Subscriptions their push service no longer knows."""
    reached: set[int] = field(default_factory=set)
    """Subscriptions that took a push."""


class Sender:
    """Sends claimed doorbells to every subscription of their accounts."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession, keys: Keys) -> None:
        self.settings = settings
        self.session = session
        self.keys = keys
        self.limit = asyncio.Semaphore(max(1, settings.push_concurrency))

    async def _push(self, subscription: dict[str, Any], job: dict[str, Any]) -> str:
        """``ok``, ``gone`` or ``failed`` for one push to one subscription."""
        info = {
            "endpoint": subscription["endpoint"],
            "keys": {"p256dh": subscription["p256dh"], "auth": subscription["auth"]},
        }
        timeout = self.settings.push_timeout_seconds
        async with self.limit:
            # Encrypting and signing run on the loop before the first await: let the pages
            # waiting on it go first, so a fan-out never holds them for a whole batch.
            await asyncio.sleep(0)
            try:
                async with asyncio.timeout(timeout + 1):
                    await webpush_async(
                        info,
                        payload(job),
                        vapid_private_key=self.keys.signer,
                        vapid_claims={"sub": subject(self.settings)},  # a new dict each time
                        ttl=job["ttl"],
                        headers={"Urgency": job["urgency"], "Topic": job["topic"]},
                        timeout=aiohttp.ClientTimeout(total=timeout),  # type: ignore[arg-type]
                        aiohttp_session=self.session,
                    )
            except WebPushException as error:
                status = error.response.status if error.response is not None else 0
                if status in GONE:
                    return "gone"
                log.warning("push refused (%s) for doorbell %s", status, job["id"])
                return "failed"
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                log.warning("push failed (%s) for doorbell %s", type(error).__name__, job["id"])
                return "failed"
        return "ok"

    async def ring(self, claimed: list[dict[str, Any]]) -> Outcome:
        """Send a claimed batch and record what became of it."""
        accounts = sorted({j["account"] for j in claimed})
        rows = await PushSubscription.select().where(PushSubscription.account.is_in(accounts))
        by_account: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_account.setdefault(row["account"], []).append(row)
        pairs = [(job, sub) for job in claimed for sub in by_account.get(job["account"], [])]
        results = await asyncio.gather(*(self._push(sub, job) for job, sub in pairs))
        outcome = Outcome()
        failed: set[int] = set()
        counts = {j["id"]: 0 for j in claimed}
        for (job, sub), result in zip(pairs, results, strict=True):
            if result == "ok":
                counts[job["id"]] += 1
                outcome.reached.add(sub["id"])
            elif result == "gone":
                outcome.gone.add(sub["id"])
            else:
                failed.add(job["id"])
        for job in claimed:
            if job["id"] in failed and job["attempts"] < MAX_ATTEMPTS:
                outcome.retry.append(job["id"])
            else:
                outcome.delivered[job["id"]] = counts[job["id"]]
        await self._record(outcome)
        return outcome

    async def _record(self, outcome: Outcome) -> None:
        if outcome.gone:
            await PushSubscription.delete().where(PushSubscription.id.is_in(sorted(outcome.gone)))
        if outcome.delivered:
            await jobs.finished(outcome.delivered)
        if outcome.retry:
            await jobs.retry_later(outcome.retry, dt.timedelta(minutes=1))
        if outcome.reached:
            await PushSubscription.update({PushSubscription.last_sent_at: now()}).where(
                PushSubscription.id.is_in(sorted(outcome.reached))
            )

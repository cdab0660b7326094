"""SMS for what must not be missed (urgent notices, cancellations), through an HTTP gateway.

Optional: without ``SMS_GATEWAY_URL`` nothing is sent (volunteers cannot opt in, and what
is queued for those who did is never sent and expires). Each message to an opted-in
volunteer is a row (the record of each send), queued in the transaction of what caused it
and sent by the background worker, prefixed with the organisation's name: ``POST`` to the gateway
with ``{"id", "to", "text"}`` and ``Authorization: Bearer <token>``. A 2xx marks it sent at
once and it is never sent again; an error or a timeout is tried again later (at most
``MAX_ATTEMPTS`` times); a number that had ``sms_daily_cap`` messages sent on the local
day gets no more that day (the row stays, marked ``capped``); a message not sent within
``MAX_AGE`` (a gateway down for hours) is marked ``expired`` instead: news that late
misleads. The ``id`` is the same on every try, so a gateway that keeps ids can drop the
one repeat a crash right after a success could cause.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from server.accounts.tables import Account
from server.actor import now
from server.db import fetch, insert_rows, is_sqlite, write_transaction
from server.notify.tables import SmsMessage, SmsOptIn
from server.settings import Settings

log = logging.getLogger("doorstep.sms")
MAX_ATTEMPTS = 5
RETRY_BASE = dt.timedelta(seconds=2)
"""The first retry's wait; each next one doubles."""
LEASE = dt.timedelta(minutes=5)
TIMEOUT = 15
MAX_AGE = dt.timedelta(hours=6)


def configured(settings: Settings) -> bool:
    """True when a gateway is set."""
    return bool(settings.sms_gateway_url)


async def opted_in(account_id: int) -> bool:
    """Whether the account asked for SMS."""
    return await SmsOptIn.exists().where(SmsOptIn.account == account_id)


async def set_opt_in(account_id: int, wanted: bool) -> None:
    """Turn SMS on or off for an account."""
    if wanted:
        await SmsOptIn.insert(SmsOptIn(account=account_id)).on_conflict(
            target=SmsOptIn.account, action="DO NOTHING"
        )
    else:
        await SmsOptIn.delete().where(SmsOptIn.account == account_id)


async def queue(account_ids: list[int], text: str, key: str) -> int:
    """Queue ``text`` for the opted-in accounts among ``account_ids`` that have a phone
    (inside the caller's transaction); returns how many were queued. ``key`` names the
    event: one message per event and account, however often it is queued."""
    if not account_ids:
        return 0
    rows = await Account.select(Account.id, Account.phone).where(
        Account.id.is_in(sorted(set(account_ids)))
        & Account.id.is_in(SmsOptIn.select(SmsOptIn.account))
        & (Account.phone != "")
        & (Account.active == True)  # noqa: E712
    )
    made = now()
    messages = [
        {
            "account": r["id"],
            "phone": r["phone"],
            "text": text[:500],
            "key": f"{key}:{r['id']}"[:160],
            "local_date": "",
            "due_at": made,
            "state": "pending",
            "lease_until": None,
            "attempts": 0,
            "last_error": "",
            "sent_at": None,
            "created_at": made,
        }
        for r in rows
    ]
    async with write_transaction():
        await insert_rows(SmsMessage, messages, on_conflict=SmsMessage.key)
    return len(messages)


async def _sent_today(phone: str, local_date: str) -> int:
    return await SmsMessage.count().where(
        (SmsMessage.phone == phone)
        & (SmsMessage.local_date == local_date)
        & SmsMessage.state.is_in(["sent", "sending"])
    )


async def claim(settings: Settings, limit: int = 20) -> list[dict[str, Any]]:
    """Take due messages; those over their number's daily cap are marked ``capped``, those
    too old ``expired``."""
    at = now()
    today = at.astimezone(ZoneInfo(settings.time_zone)).date().isoformat()
    claimable = ((SmsMessage.state == "pending") & (SmsMessage.due_at <= at)) | (
        (SmsMessage.state == "sending") & (SmsMessage.lease_until < at)
    )
    if not await SmsMessage.exists().where(claimable):
        return []
    async with write_transaction():
        if not is_sqlite():
            # One claimer at a time: the cap counts what the others have in flight.
            await fetch("SELECT pg_advisory_xact_lock(7301)")
        rows = await SmsMessage.select().where(claimable).order_by(SmsMessage.due_at).limit(limit)
        taken = []
        for row in rows:
            held = ""
            if at - row["created_at"] > MAX_AGE:
                held = "expired"
            elif row["state"] == "pending" and (
                await _sent_today(row["phone"], today) >= settings.sms_daily_cap
            ):
                held = "capped"
            if held:
                await SmsMessage.update(
                    {SmsMessage.state: held, SmsMessage.local_date: today}
                ).where(SmsMessage.id == row["id"])
                continue
            await SmsMessage.update(
                {
                    SmsMessage.local_date: today,
                    SmsMessage.state: "sending",
                    SmsMessage.lease_until: at + LEASE,
                    SmsMessage.attempts: SmsMessage.attempts + 1,
                }
            ).where(SmsMessage.id == row["id"])
            taken.append({**row, "attempts": row["attempts"] + 1})
        return taken


async def _post(settings: Settings, session: aiohttp.ClientSession, message: dict) -> str:
    """``""`` when the gateway took it, else what went wrong."""
    body = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"doorstep-sms:{message['key']}")),
        "to": message["phone"],
        "text": f"【{settings.org_name}】{message['text']}",
    }
    headers = {"Authorization": f"Bearer {settings.sms_gateway_token}"}
    try:
        async with asyncio.timeout(TIMEOUT + 1):
            async with session.post(
                settings.sms_gateway_url,
                json=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=TIMEOUT),
            ) as response:
                if 200 <= response.status < 300:
                    return ""
                return f"HTTP {response.status}"
    except (TimeoutError, aiohttp.ClientError, OSError) as error:
        return type(error).__name__


async def send_due(settings: Settings, session: aiohttp.ClientSession) -> int:
    """Send what is due; returns how many were claimed."""
    if not configured(settings):
        return 0
    claimed = await claim(settings)
    for message in claimed:
        error = await _post(settings, session, message)
        if not error:
            await SmsMessage.update(
                {SmsMessage.state: "sent", SmsMessage.sent_at: now(), SmsMessage.lease_until: None}
            ).where(SmsMessage.id == message["id"])
            continue
        log.warning("SMS gateway error (%s), attempt %s", error, message["attempts"])
        retry = message["attempts"] < MAX_ATTEMPTS
        wait = RETRY_BASE * 2 ** (message["attempts"] - 1)
        await SmsMessage.update(
            {
                SmsMessage.state: "pending" if retry else "failed",
                SmsMessage.due_at: now() + wait,
                SmsMessage.lease_until: None,
                SmsMessage.last_error: error[:200],
            }
        ).where(SmsMessage.id == message["id"])
    return len(claimed)


async def next_due() -> dt.datetime | None:
    """When the earliest pending message is due."""
    row = (
        await SmsMessage.select(SmsMessage.due_at)
        .where(SmsMessage.state == "pending")
        .order_by(SmsMessage.due_at)
        .first()
    )
    return row["due_at"] if row else None

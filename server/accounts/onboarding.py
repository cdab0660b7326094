"""QR onboarding and PIN re-login.

A coordinator shows a QR code holding ``PUBLIC_ORIGIN/join/<token>``. Opening
it only shows a confirm page; the POST that confirms uses the token up (once,
within ``JOIN_MINUTES``, for its one account), sets a 4–6 digit PIN for this
phone and starts a session. The phone gets a long-lived HttpOnly device cookie;
later the PIN logs that account in again, on that phone only. Tokens and device
cookies are stored hashed, PINs as Argon2id hashes, and PIN failures count
against the same throttle as passwords.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

from server.accounts import management, passwords
from server.accounts import service as accounts
from server.accounts.tables import Account, DevicePin, JoinToken
from server.actor import Actor, now
from server.areas.service import Refused
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_

JOIN_MINUTES = 10
PIN = re.compile(r"^[0-9]{4,6}$")
PIN_ATTEMPTS = 5
"""Wrong PINs in a row before the phone forgets its PIN (then: password or a new QR)."""
MESSAGES = {
    "pin_invalid": N_("A PIN has 4 to 6 digits."),
    "pin_mismatch": N_("The two PINs are not the same."),
    "account_inactive": N_("This account is not active."),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue(actor: Actor, account_id: int) -> tuple[str, dt.datetime]:
    """A new one-time join token for an account within reach, and when it expires.

    Earlier unused tokens of that account stop working: only the newest QR counts.
    """
    row = await management.account_to_hand_over(actor, account_id)
    if not row["active"]:
        raise Refused("account_inactive")
    token = secrets.token_urlsafe(24)
    expires_at = now() + dt.timedelta(minutes=JOIN_MINUTES)
    async with write_transaction():
        await JoinToken.delete().where(
            (JoinToken.account == account_id) & JoinToken.used_at.is_null()
        )
        await JoinToken.insert(
            JoinToken(
                token_hash=_hash(token),
                account=account_id,
                created_by=actor.id,
                expires_at=expires_at,
            )
        )
        await audit.record(actor.id, "join_token.create", "account", account_id)
    return token, expires_at


def _usable() -> Any:
    return (
        JoinToken.used_at.is_null()
        & (JoinToken.expires_at > now())
        & (JoinToken.account.active == True)  # noqa: E712
    )


async def peek(token: str) -> dict[str, Any] | None:
    """The account a usable token would log in (for the confirm page); uses nothing up."""
    return (
        await JoinToken.select(
            JoinToken.account.as_alias("id"),
            JoinToken.account.display_name.as_alias("display_name"),
        )
        .where((JoinToken.token_hash == _hash(token)) & _usable())
        .first()
    )


def check_pin(pin: str, again: str) -> None:
    """Refused unless ``pin`` is 4–6 digits and typed the same twice."""
    if not PIN.fullmatch(pin):
        raise Refused("pin_invalid")
    if pin != again:
        raise Refused("pin_mismatch")


@dataclass(frozen=True)
class Joined:
    """What a used join token gave the phone."""

    account_id: int
    session_token: str
    device_token: str


async def redeem(token: str, pin: str, session_days: int) -> Joined | None:
    """Use a join token up and log its account in on this phone with a new PIN.

    None when the token is unknown, used, expired or its account inactive (the
    token then stays as it was). The token is used up by one conditional
    UPDATE, so two POSTs racing with the same token cannot both succeed.
    """
    device_token = secrets.token_urlsafe(32)
    pin_hash = await passwords.hash_secret(pin)
    try:
        async with write_transaction():
            used = (
                await JoinToken.update({JoinToken.used_at: now()})
                .where((JoinToken.token_hash == _hash(token)) & JoinToken.used_at.is_null())
                .where(JoinToken.expires_at > now())
                .returning(JoinToken.account)
            )
            if not used:
                return None
            account_id = used[0]["account"]
            if not await Account.exists().where(
                (Account.id == account_id) & (Account.active == True)  # noqa: E712
            ):
                raise _Inactive
            await DevicePin.insert(
                DevicePin(
                    device_hash=_hash(device_token),
                    account=account_id,
                    pin_hash=pin_hash,
                )
            )
            await audit.record(account_id, "join_token.use", "account", account_id)
            session = await accounts.start_session(account_id, session_days)
    except _Inactive:
        return None
    return Joined(account_id, session, device_token)


class _Inactive(Exception):
    """Raised inside the transaction to roll it back."""


async def pin_account(device_token: str | None) -> dict[str, Any] | None:
    """The active account whose PIN this phone (its device cookie) holds, if any."""
    if not device_token:
        return None
    return (
        await DevicePin.select(
            DevicePin.id,
            DevicePin.account.as_alias("account_id"),
            DevicePin.account.username.as_alias("username"),
            DevicePin.account.display_name.as_alias("display_name"),
            DevicePin.pin_hash,
            DevicePin.failures,
        )
        .where(
            (DevicePin.device_hash == _hash(device_token)) & (DevicePin.account.active == True)  # noqa: E712
        )
        .first()
    )


class PinForgotten(Exception):
    """Too many wrong PINs in a row: this phone's PIN is gone."""


async def pin_login(
    device_token: str | None, pin: str, address: str, *, limit: int, window: int
) -> int | None:
    """The account id when ``pin`` is right for this phone, else None.

    Raises LoginThrottled like a password login (the same counters), and
    PinForgotten after ``PIN_ATTEMPTS`` wrong PINs in a row.
    """
    found = await pin_account(device_token)
    if found is None:
        return None
    keys = accounts.login_keys(found["username"], address)
    await accounts.claim_attempt(keys, limit, window)
    ok = await passwords.verify_secret(found["pin_hash"], pin)
    if ok:
        await accounts.forgive_attempt(keys)
        await DevicePin.update({DevicePin.failures: 0, DevicePin.last_used_at: now()}).where(
            DevicePin.id == found["id"]
        )
        return found["account_id"]
    async with write_transaction():
        rows = (
            await DevicePin.update({DevicePin.failures: DevicePin.failures + 1})
            .where(DevicePin.id == found["id"])
            .returning(DevicePin.failures)
        )
        forgotten = bool(rows) and rows[0]["failures"] >= PIN_ATTEMPTS
        if forgotten:
            await DevicePin.delete().where(DevicePin.id == found["id"])
            await audit.record(
                found["account_id"], "device_pin.forget", "account", found["account_id"]
            )
    if forgotten:
        raise PinForgotten
    return None

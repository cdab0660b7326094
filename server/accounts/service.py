"""Passwords, logins with throttling, and server-side sessions."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from server.accounts import passwords
from server.accounts.tables import ROLES, Account, AuthSession, CoordinatorArea, LoginAttempt
from server.actor import Actor, now
from server.areas.tables import Area
from server.audit import service as audit
from server.db import fetch, write_transaction


async def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (computed in a worker thread)."""
    return await passwords.hash_secret(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_ACTOR_COLUMNS = ("id", "username", "display_name", "role", "team", "language")


async def _actor(row: dict, prefix: str = "") -> Actor:
    """The ``Actor`` of an account row (its columns named ``prefix`` + column)."""
    values = {name: row[prefix + name] for name in _ACTOR_COLUMNS}
    paths: tuple[str, ...] = ()
    if values["role"] == "coordinator":
        areas = await CoordinatorArea.select(CoordinatorArea.area.path).where(
            CoordinatorArea.account == values["id"]
        )
        paths = tuple(a["area.path"] for a in areas)
    return Actor(
        id=values["id"],
        username=values["username"],
        display_name=values["display_name"],
        role=values["role"],
        team_id=values["team"],
        language=values["language"],
        area_paths=paths,
    )


async def load_actor(account_id: int) -> Actor | None:
    """The active account ``account_id`` with its coordinator areas, or None."""
    row = (
        await Account.select(*(getattr(Account, name) for name in _ACTOR_COLUMNS))
        .where((Account.id == account_id) & (Account.active == True))  # noqa: E712
        .first()
    )
    return None if row is None else await _actor(row)


_CLAIM = """
INSERT INTO login_attempt (key, window_start, failures) VALUES ({}, {}, 1)
ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN login_attempt.window_start <= {} THEN 1
                    ELSE login_attempt.failures + 1 END,
    window_start = CASE WHEN login_attempt.window_start <= {} THEN {}
                        ELSE login_attempt.window_start END
RETURNING failures
"""


async def _claim(keys: list[str], window: int) -> list[int]:
    """Count one attempt against each key in one statement per key; the counts after it.

    Reading the count and then writing it would let parallel attempts all read the
    same count: the upsert takes the row's lock, so each attempt sees the ones
    before it. Keys go in a fixed order so two claims never wait on each other.
    """
    current = now()
    since = current - dt.timedelta(seconds=window)
    counts = []
    async with write_transaction():
        for key in sorted(keys):
            rows = await fetch(_CLAIM, key, current, since, since, current)
            counts.append(rows[0]["failures"])
    return counts


class LoginThrottled(Exception):
    """Too many failed logins for this account or address; try again later."""


async def authenticate(
    username: str, password: str, address: str, *, limit: int, window: int
) -> int | None:
    """The id of the active account with these credentials, else None.

    Raises LoginThrottled after ``limit`` failures within ``window`` seconds,
    counted both per account name and per client address.
    """
    keys = login_keys(username, address)
    await claim_attempt(keys, limit, window)
    row = (
        await Account.select(Account.id, Account.password_hash)
        .where((Account.username == username.strip()) & (Account.active == True))  # noqa: E712
        .first()
    )
    ok = await passwords.verify_secret(row["password_hash"] if row else None, password)
    if not ok or row is None:
        return None
    await forgive_attempt(keys)
    return row["id"]


async def start_session(account_id: int, days: int) -> str:
    """Create a session for ``account_id``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    async with write_transaction():
        await AuthSession.insert(
            AuthSession(
                token_hash=_token_hash(token),
                account=account_id,
                expires_at=now() + dt.timedelta(days=days),
            )
        )
        await audit.record(account_id, "session.start", "auth_session", account_id)
    return token


@dataclass(frozen=True)
class Session:
    """A live session: the token its cookie holds, when it ends, the phone it syncs on."""

    token: str
    expires_at: dt.datetime
    device_id: str = ""


async def session_actor(token: str) -> tuple[Actor, Session] | None:
    """The active account behind a live session token, and the session; else None.

    One query for the session and its account: every request asks.
    """
    account = AuthSession.account
    row = (
        await AuthSession.select(
            AuthSession.expires_at,
            AuthSession.device_id,
            *(getattr(account, name) for name in _ACTOR_COLUMNS),
        )
        .where(
            (AuthSession.token_hash == _token_hash(token))
            & (AuthSession.expires_at > now())
            & (AuthSession.revoked == False)  # noqa: E712
            & (account.active == True)  # noqa: E712
        )
        .first()
    )
    if row is None:
        return None
    session = Session(token, row["expires_at"], row["device_id"])
    return await _actor(row, "account."), session


EXTEND_EVERY = dt.timedelta(hours=1)
"""A session is extended at most this often: a phone syncing every minute would
otherwise rewrite its session row every minute."""


async def extend_session(session: Session, days: int, device_id: str = "") -> None:
    """Push a session's expiry ``days`` ahead (each successful sync does), unless it was
    pushed there less than ``EXTEND_EVERY`` ago (known from ``session``: no query then).

    ``device_id`` is the phone syncing on it (kept at once: revoking that phone ends
    the session).
    """
    expires_at = now() + dt.timedelta(days=days)
    values: dict[Any, Any] = {AuthSession.expires_at: expires_at}
    due = session.expires_at < expires_at - EXTEND_EVERY
    if device_id:
        values[AuthSession.device_id] = device_id
        due = due or session.device_id != device_id
    if due:
        await AuthSession.update(values).where(AuthSession.token_hash == _token_hash(session.token))


async def session_revoked(token: str) -> bool:
    """True when ``token``'s session ended because a coordinator revoked its phone."""
    return await AuthSession.exists().where(
        (AuthSession.token_hash == _token_hash(token)) & (AuthSession.revoked == True)  # noqa: E712
    )


async def end_session(token: str) -> None:
    """Log out: the token stops working at once."""
    async with write_transaction():
        row = (
            await AuthSession.select(AuthSession.id, AuthSession.account)
            .where(AuthSession.token_hash == _token_hash(token))
            .first()
        )
        if row is None:
            return
        await AuthSession.delete().where(AuthSession.id == row["id"])
        await audit.record(row["account"], "session.end", "auth_session", row["account"])


async def create_account(
    username: str,
    password: str,
    *,
    display_name: str,
    role: str = "volunteer",
    team_id: int | None = None,
    area_ids: tuple[int, ...] = (),
    actor_id: int | None = None,
    password_hash: str | None = None,
) -> int:
    """Create an account (and a coordinator's areas); returns its id.

    ``password_hash`` lets a bulk load hash a shared password once.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    password_hash = password_hash or await hash_password(password)
    async with write_transaction():
        rows = await Account.insert(
            Account(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                role=role,
                team=team_id,
            )
        ).returning(Account.id)
        account_id = rows[0]["id"]
        for area_id in area_ids:
            await CoordinatorArea.insert(CoordinatorArea(account=account_id, area=area_id))
        await audit.record(
            actor_id,
            "account.create",
            "account",
            account_id,
            after={"username": username, "role": role, "team": team_id, "areas": list(area_ids)},
        )
    return account_id


async def set_password(account_id: int, password: str, actor_id: int | None = None) -> int:
    """Replace an account's password and end its sessions; returns how many ended.

    A reset password is often a leaked one: whoever logged in with it is logged out.
    The hash is never audited.
    """
    password_hash = await hash_password(password)
    async with write_transaction():
        await Account.update({Account.password_hash: password_hash}).where(Account.id == account_id)
        ended = (
            await AuthSession.delete()
            .where(AuthSession.account == account_id)
            .returning(AuthSession.id)
        )
        await audit.record(
            actor_id,
            "account.password",
            "account",
            account_id,
            after={"sessions_ended": len(ended)},
        )
    return len(ended)


class UnknownArea(ValueError):
    """An area name that names no area."""


async def area_ids_by_name(names: list[str]) -> tuple[int, ...]:
    """Ids of areas by name (for the CLI); none for no names, UnknownArea for a name not found."""
    if not names:
        return ()
    rows = await Area.select(Area.id, Area.name).where(Area.name.is_in(names))
    missing = sorted(set(names) - {r["name"] for r in rows})
    if missing:
        raise UnknownArea(", ".join(missing))
    return tuple(r["id"] for r in rows)


async def claim_attempt(keys: list[str], limit: int, window: int) -> None:
    """Count an attempt against ``keys`` before checking it; LoginThrottled past ``limit``.

    Passwords and PINs share the counters. A right answer is then forgiven with
    ``forgive_attempt``, so only failures stay counted.
    """
    if any(count > limit for count in await _claim(keys, window)):
        raise LoginThrottled


async def forgive_attempt(keys: list[str]) -> None:
    """Uncount the attempt ``claim_attempt`` counted: it was right."""
    async with write_transaction():
        await LoginAttempt.update({LoginAttempt.failures: LoginAttempt.failures - 1}).where(
            LoginAttempt.key.is_in(keys) & (LoginAttempt.failures > 0)
        )


def login_keys(username: str, address: str) -> list[str]:
    """The throttling keys of a login: the account name and the client address."""
    return [f"user:{username.strip().lower()}", f"addr:{address}"]

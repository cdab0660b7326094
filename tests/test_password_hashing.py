"""Argon2 runs beside the event loop, never on it: a burst of logins must not stall
every other request (``bench/logins.py`` measures what that buys)."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher

from tests.admin_helpers import account_id, post_form
from tests.support import login


def _on_an_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture
def argon2_threads(monkeypatch) -> list[bool]:
    """For each Argon2 hash or check, whether it ran on a thread that runs an event loop."""
    seen: list[bool] = []
    for name in ("hash", "verify"):
        original = getattr(PasswordHasher, name)

        def spy(self, *args, _original=original, **kwargs):
            seen.append(_on_an_event_loop())
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(PasswordHasher, name, spy)
    return seen


def test_a_login_checks_the_password_off_the_event_loop(client, argon2_threads):
    login(client, "vol1")
    assert argon2_threads == [False]


def test_a_new_password_is_hashed_off_the_event_loop(as_user, db, argon2_threads):
    coord = as_user("coord")
    argon2_threads.clear()
    response = post_form(
        coord, f"/admin/accounts/{db(account_id, 'vol2')}/password", {"password": "new-password-2"}
    )
    assert response.status_code == 303
    assert argon2_threads == [False]


async def _password_hash(username: str) -> str:
    from server.accounts.tables import Account

    row = await Account.select(Account.password_hash).where(Account.username == username).first()
    return row["password_hash"]


async def _set_password_hash(username: str, hashed: str) -> None:
    from server.accounts.tables import Account

    await Account.update({Account.password_hash: hashed}).where(Account.username == username)


def test_a_new_password_is_hashed_at_the_configured_cost(as_user, db):
    coord = as_user("coord")
    vol2 = db(account_id, "vol2")
    post_form(coord, f"/admin/accounts/{vol2}/password", {"password": "pw-2026-x"})
    assert "$m=1024,t=1," in db(_password_hash, "vol2")


def test_a_hash_made_at_another_cost_still_logs_in(client, db):
    db(_set_password_hash, "vol2", PasswordHasher().hash("old-default-cost"))
    login(client, "vol2", "old-default-cost")

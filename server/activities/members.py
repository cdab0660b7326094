"""Account changes that change which activities (and check-in keys) a phone should hold:
a new account, a volunteer made a leader (or a volunteer again), an account reactivated.

Each runs the accounts service's change and, in the same transaction, writes that
account's activities to its change log, as pairing writes a household for its volunteer.
It sits above ``server/accounts`` so that package needs nothing of activities.
"""

from __future__ import annotations

from typing import Any

from server.accounts import management
from server.activities import publish
from server.actor import Actor
from server.db import write_transaction
from server.sync import changelog


async def create(actor: Actor, **fields: Any) -> int:
    """``management.create``; the new account pulls the activities meant for its team."""
    async with write_transaction():
        await changelog.lock()
        account_id = await management.create(actor, **fields)
        await publish.for_account(account_id)
    return account_id


async def set_leader(actor: Actor, account_id: int, leader: bool) -> None:
    """``management.set_leader``; a new leader pulls the team's check-in keys at once (and
    a former one loses them)."""
    async with write_transaction():
        await changelog.lock()
        await management.set_leader(actor, account_id, leader)
        await publish.for_account(account_id)


async def reactivate(actor: Actor, account_id: int) -> None:
    """``management.reactivate``; activities changed while it was inactive reached only
    active accounts."""
    async with write_transaction():
        await changelog.lock()
        await management.reactivate(actor, account_id)
        await publish.for_account(account_id)

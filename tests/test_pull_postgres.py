"""PostgreSQL: writers in concurrent transactions never make a paging pull skip a change.

On PostgreSQL, transactions that take sequence numbers can commit out of order;
a reader that moved its cursor past a number still in flight would never see
that row. Here writers (visits through the ingest path, household edits,
pairings) run in transactions of their own, some held open while later ones
commit, while a phone pulls in pages of three. At the end what the phone holds
must equal a fresh full snapshot.
"""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from tests.builders import visit_entry
from tests.helpers import household_ids_of
from tests.pull_helpers import account_id, pull, pull_all

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(os.environ.get("DOORSTEP_TEST_DB") != "postgres", reason="needs PostgreSQL"),
]

ROUNDS = 15
WRITERS = 10
PAGE = 3


def apply_changes(held: dict, changes: list[dict]) -> None:
    """What a phone does with a page: keep the latest state, drop tombstoned objects."""
    for change in changes:
        key = (change["kind"], change["id"])
        if change["deleted"]:
            held.pop(key, None)
            if change["kind"] == "household":
                for other in [k for k, v in held.items() if v.get("household_id") == change["id"]]:
                    if other[0] == "visit":
                        held.pop(other)
        else:
            held[key] = {**change["data"], "_version": change["version"]}


async def _writer(rng: random.Random, index: int, context: dict) -> None:
    from server.db import engine
    from server.entries.service import ingest
    from server.households import change
    from server.pairings import pairing

    async with engine().transaction():
        # Open, holding nothing yet, while later writers commit.
        await asyncio.sleep(rng.random() * 0.02)
        action = index % 5
        if action < 3:
            household = rng.choice(context["own"])
            entry = visit_entry(household)
            [result] = await ingest(context["actor"], [entry], "zh_CN", f"phone-{index}")
            assert result.status == "accepted"
        elif action == 3:
            household = rng.choice(context["own"])
            await change.apply_household_change(
                None, household, {"address": f"华家河村{index}组{rng.randint(1, 99)}号"}, 10**6
            )
        else:
            household = rng.choice(context["others"])
            if not await pairing.pair(None, context["actor"].id, household):
                await pairing.unpair(None, context["actor"].id, household)
        # Hold the change numbers a little before committing.
        await asyncio.sleep(rng.random() * 0.02)


def test_concurrent_writers_never_make_a_paging_pull_skip_a_change(vol1, db):
    from server.accounts.service import load_actor

    context = {
        "actor": db(load_actor, db(account_id, "vol1")),
        "own": db(household_ids_of, "vol1"),
        "others": db(household_ids_of, "vol3")[:4],
    }
    held: dict = {}
    changes, cursor = pull_all(vol1)
    apply_changes(held, changes)
    rng = random.Random(4)

    async def one_round() -> None:
        nonlocal cursor
        writers = [asyncio.create_task(_writer(rng, i, context)) for i in range(WRITERS)]
        while True:
            finished = all(w.done() for w in writers)
            response = await asyncio.to_thread(pull, vol1, cursor, PAGE)
            body = response.json()
            apply_changes(held, body["changes"])
            cursor = body["cursor"]
            if finished and not body["more"]:
                break
            await asyncio.sleep(0.002)
        await asyncio.gather(*writers)

    async def rounds() -> None:
        for _ in range(ROUNDS):
            await one_round()

    asyncio.run(rounds())
    snapshot: dict = {}
    apply_changes(snapshot, pull_all(vol1)[0])
    assert len(snapshot) > 100
    missing = set(snapshot) - set(held)
    stale = {k for k in snapshot if k in held and held[k] != snapshot[k]}
    assert (missing, stale) == (set(), set())
    assert set(held) == set(snapshot)

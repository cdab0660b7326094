"""Exactly once under real concurrency: overlapping pushes at the same moment.

On SQLite, one app keeps one writer connection per event loop and queues its
writers on a lock; several apps (processes, in production) meet in the file's
own lock. On PostgreSQL each app has a pool and the transactions really run in
parallel; the entry id's unique key decides. Both ways, every entry is stored
once and accepted once.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.builders import push_results, visit_entry
from tests.helpers import household_ids_of


def visit(household_id, index=0):
    return visit_entry(
        household_id,
        recorded_at=f"2026-11-20T10:{index % 60:02d}:00+08:00",
        needs={"health": {"level": "some", "note": "腿脚不便"}},
    )


def push(client, entries, device_id):
    return push_results(client, entries, device_id=device_id)


def all_at_once(jobs):
    """Run ``jobs`` (callables) in threads released together; their results in order."""
    start = threading.Barrier(len(jobs))

    def run(job):
        start.wait(timeout=30)
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


async def stored(ids):
    """How many times each entry id is in ``entry``, ``visit`` and the audit log."""
    from server.audit.tables import AuditLog
    from server.entries.kinds.visit import Visit
    from server.entries.tables import Entry

    entries = await Entry.select(Entry.id).where(Entry.id.is_in(ids))
    visits = await Visit.select(Visit.entry).where(Visit.entry.is_in(ids))
    audits = await AuditLog.select(AuditLog.row_id).where(
        AuditLog.row_id.is_in(ids) & (AuditLog.action == "visit.create")
    )
    return (
        Counter(str(r["id"]) for r in entries),
        Counter(str(r["entry"]) for r in visits),
        Counter(r["row_id"] for r in audits),
    )


def assert_each_once(results, ids, counts):
    statuses = Counter(r["status"] for batch in results for r in batch)
    assert set(statuses) <= {"accepted", "duplicate"}, statuses
    accepted = Counter(r["id"] for batch in results for r in batch if r["status"] == "accepted")
    assert accepted == Counter(ids)
    for counter in counts:
        assert counter == Counter(ids)


def test_overlapping_pushes_into_one_app_store_each_entry_once(vol1, db):
    households = db(household_ids_of, "vol1")
    pool = [visit(households[i % len(households)], i) for i in range(60)]
    rng = random.Random(7)
    batches = [rng.sample(pool, 25) for _ in range(12)]
    batches.append(pool)  # every entry is pushed at least once
    results = all_at_once([lambda b=b: push(vol1, b, "phone-a") for b in batches])
    ids = [e["id"] for e in pool]
    assert_each_once(results, ids, db(stored, ids))


def test_the_same_batch_from_several_clients_at_once_is_stored_once(as_user, db):
    clients = [as_user("vol1") for _ in range(4)]
    households = db(household_ids_of, "vol1")
    batch = [visit(households[i % len(households)], i) for i in range(50)]
    results = all_at_once(
        [lambda c=c, n=n: push(c, batch, f"phone-{n}") for n, c in enumerate(clients)]
    )
    ids = [e["id"] for e in batch]
    assert_each_once(results, ids, db(stored, ids))


def test_concurrent_ingests_on_one_loop_share_its_kept_connections(db):
    from server.accounts.service import load_actor
    from server.accounts.tables import Account
    from server.db import close_connections, open_connections
    from server.entries.service import ingest

    async def scenario():
        await open_connections()
        try:
            account = await Account.select(Account.id).where(Account.username == "vol1").first()
            actor = await load_actor(account["id"])
            households = await household_ids_of("vol1")
            pool = [visit(households[i % len(households)], i) for i in range(40)]
            rng = random.Random(11)
            batches = [rng.sample(pool, 20) for _ in range(10)] + [pool]
            answers = await asyncio.gather(*(ingest(actor, b, "zh_CN", "phone") for b in batches))
            ids = [e["id"] for e in pool]
            return answers, ids, await stored(ids)
        finally:
            await close_connections()

    answers, ids, counts = db(scenario)
    results = [[{"id": r.id, "status": r.status} for r in batch] for batch in answers]
    assert_each_once(results, ids, counts)


def test_a_writer_cancelled_mid_transaction_leaves_nothing_and_blocks_no_one(db):
    from server.accounts.service import load_actor
    from server.accounts.tables import Account
    from server.db import close_connections, open_connections, write_transaction
    from server.entries.service import ingest
    from server.system.tables import SystemValue

    async def scenario():
        await open_connections()
        try:
            inside = asyncio.Event()

            async def interrupted():
                async with write_transaction():
                    await SystemValue.insert(SystemValue(key="half-done", value="x"))
                    inside.set()
                    await asyncio.Event().wait()  # the request is cancelled here

            task = asyncio.create_task(interrupted())
            await inside.wait()
            task.cancel()
            account = await Account.select(Account.id).where(Account.username == "vol1").first()
            actor = await load_actor(account["id"])
            [household, *_] = await household_ids_of("vol1")
            results = await asyncio.wait_for(
                ingest(actor, [visit(household)], "zh_CN", "phone"), timeout=10
            )
            left = await SystemValue.exists().where(SystemValue.key == "half-done")
            return task.cancelled(), [r.status for r in results], left
        finally:
            await close_connections()

    assert db(scenario) == (True, ["accepted"], False)

"""PostgreSQL: two processes claiming doorbells from one job table (beside the test app's own
worker) never both send one.

Each process claims with ``FOR UPDATE SKIP LOCKED`` and rings through the real sender;
the fake push service counts every push by its Topic (one per doorbell).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

from tests.pull_helpers import account_id
from tests.push_helpers import Browser, FakeService, subscribe
from tests.support import ROOT

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(os.environ.get("DOORSTEP_TEST_DB") != "postgres", reason="needs PostgreSQL"),
    pytest.mark.usefixtures("no_doorbells"),
]

DOORBELLS = 300
CLAIMER = """
import asyncio
import aiohttp
from server.notify import jobs, vapid
from server.notify.webpush import Sender
from server.settings import Settings

async def main():
    settings = Settings.from_env()
    async with aiohttp.ClientSession() as session:
        sender = Sender(settings, session, await vapid.keys())
        idle = 0
        while idle < 40:
            claimed = await jobs.claim(20)
            if not claimed:
                idle += 1
                await asyncio.sleep(0.05)
                continue
            idle = 0
            await sender.ring(claimed)

asyncio.run(main())
"""


async def schedule_many(account: int) -> None:
    from server.notify import jobs

    await jobs.schedule(
        [jobs.Doorbell(account, "notice", "/inbox", f"race:{n}") for n in range(DOORBELLS)]
    )


def test_two_processes_claiming_together_send_each_doorbell_once(vol1, db):
    with FakeService() as service:
        assert subscribe(vol1, Browser().subscription(service.endpoint())).status_code == 201
        db(schedule_many, db(account_id, "vol1"))
        env = {**os.environ, "NOTIFY_WORKER": "0"}
        claimers = [
            subprocess.Popen([sys.executable, "-c", CLAIMER], cwd=ROOT, env=env) for _ in range(2)
        ]
        for claimer in claimers:
            assert claimer.wait(timeout=300) == 0
        topics = Counter(r.headers["topic"] for r in service.received)
        assert len(topics) == DOORBELLS
        assert set(topics.values()) == {1}

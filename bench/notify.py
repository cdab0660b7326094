"""Fan-out of 10,000 push notifications, and what it does to page latency, in one run.

    .venv/bin/python bench/notify.py [--notifications 10000] [--probes 100] [--concurrency 50]

A demo server (SQLite, ``doorstep serve``) with 10,000 more volunteers, each with one
push subscription at a fake push service on loopback (another process, answering 201 at
once). First ``--probes`` sequential requests of 今天 (``/``, logged in) with nothing to
send; then one doorbell per volunteer is scheduled and the server's worker sends them all
(VAPID-signed and encrypted, as for a real push service) while the same page is requested
for as long as the fan-out lasts. Prints notifications/s, and the median and 95th
percentile page latency of both phases with their ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from client_common import PASSWORD, ROOT, demo_server

from tests.support import free_port

FAKE_PUSH = """
import sys
from aiohttp import web

async def take(request):
    await request.read()
    return web.Response(status=201)

app = web.Application()
app.router.add_post("/push/{name}", take)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""


def browser_keys() -> tuple[str, str]:
    """One browser's p256dh and auth (every subscription here shares them)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    encode = lambda b: base64.urlsafe_b64encode(b).decode().rstrip("=")  # noqa: E731
    return encode(point), encode(os.urandom(16))


async def add_volunteers(count: int, push_url: str) -> list[int]:
    """``count`` volunteers, each with one subscription; their ids."""
    from server.accounts.tables import Account
    from server.db import insert_rows
    from server.notify.tables import PushSubscription

    p256dh, auth = browser_keys()
    rows = [
        {
            "username": f"bench{n}",
            "display_name": f"志愿者{n}",
            "password_hash": "x",
            "role": "volunteer",
            "team": None,
            "phone": "",
            "language": None,
            "active": True,
        }
        for n in range(count)
    ]
    ids = []
    for start in range(0, count, 1000):
        found = await insert_rows(Account, rows[start : start + 1000], returning=Account.id)
        ids += [r["id"] for r in found]
    subscriptions = [
        {
            "account": a,
            "device_id": f"phone-{a}",
            "endpoint": f"{push_url}/push/{a}",
            "p256dh": p256dh,
            "auth": auth,
            "last_sent_at": None,
        }
        for a in ids
    ]
    for start in range(0, count, 1000):
        await insert_rows(PushSubscription, subscriptions[start : start + 1000])
    return ids


async def ring_all(ids: list[int]) -> None:
    from server.notify import jobs

    await jobs.schedule([jobs.Doorbell(a, "notice", "/inbox", f"bench:{a}") for a in ids])


def sent(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM notification WHERE state = 'sent'").fetchone()[0]


def probe(client: httpx.Client, count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        client.get("/").raise_for_status()
        timings.append(time.perf_counter() - started)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--concurrency", default="50", help="the server's PUSH_CONCURRENCY")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="doorstep-bench-notify-"))
    database = work / "doorstep.sqlite3"
    env = {
        "DATA_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{database}",
        "NOTIFY_POLL_SECONDS": "0.5",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    port = free_port()
    fake = subprocess.Popen([sys.executable, "-c", FAKE_PUSH, str(port)])
    try:
        with demo_server(env) as server:
            ids = asyncio.run(add_volunteers(args.notifications, f"http://127.0.0.1:{port}"))
            with httpx.Client(base_url=server.url, timeout=120) as client:
                client.get("/login")
                token = client.cookies["csrftoken"]
                client.post(
                    "/login", data={"username": "vol1", "password": PASSWORD, "_csrf_token": token}
                )
                probe(client, 10)  # warm up
                idle = probe(client, args.probes)
                done = threading.Event()
                started = time.perf_counter()
                asyncio.run(ring_all(ids))
                finished: list[float] = []

                def watch() -> None:
                    while sent(database) < args.notifications:
                        time.sleep(0.1)
                    finished.append(time.perf_counter())
                    done.set()

                threading.Thread(target=watch, daemon=True).start()
                busy: list[float] = []
                while not done.is_set():
                    busy += probe(client, 1)
    finally:
        fake.terminate()
        fake.wait()
    elapsed = finished[0] - started
    print(
        f"fan-out: {args.notifications} notifications in {elapsed:.1f} s: "
        f"{args.notifications / elapsed:.0f} notifications/s"
    )
    print(f"{'GET / (今天)':<28} {'median ms':>10} {'p95 ms':>8} {'requests':>9}")
    for label, timings in (("no fan-out", idle), ("during the fan-out", busy)):
        print(
            f"{label:<28} {statistics.median(timings) * 1000:10.1f} "
            f"{p95(timings) * 1000:8.1f} {len(timings):9d}"
        )
    print(
        f"ratio during / without: median {statistics.median(busy) / statistics.median(idle):.2f}, "
        f"p95 {p95(busy) / p95(idle):.2f}"
    )


if __name__ == "__main__":
    main()

"""/healthz while 30 people log in at once: its latency against an idle server.

    .venv/bin/python bench/logins.py [--logins 30] [--probes 20]

A demo server (SQLite) answers ``/healthz`` probes, first alone, then while
``--logins`` logins (each an Argon2 check) run in parallel. With the hash on the
event loop every probe waits for the logins queued before it; off the loop the
probes only share the CPU. Prints both medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from client_common import PASSWORD, demo_server


def probe(url: str, count: int) -> list[float]:
    """``count`` sequential /healthz round trips, in seconds each."""
    timings = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for _ in range(count):
            started = time.perf_counter()
            client.get("/healthz").raise_for_status()
            timings.append(time.perf_counter() - started)
    return timings


def log_in(url: str, n: int) -> int:
    with httpx.Client(base_url=url) as client:
        client.get("/login")
        token = client.cookies["csrftoken"]
        response = client.post(
            "/login",
            data={"username": f"vol{n % 4 + 1}", "password": PASSWORD, "_csrf_token": token},
            headers={"X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}"},
            timeout=120,
        )
        return response.status_code


def under_load(url: str, logins: int, probes: int) -> list[float]:
    """Probe timings taken while ``logins`` logins run in parallel."""
    start = threading.Barrier(logins + 1)

    def one(n: int) -> int:
        start.wait()
        return log_in(url, n)

    with ThreadPoolExecutor(max_workers=logins) as pool:
        futures = [pool.submit(one, n) for n in range(logins)]
        start.wait()
        time.sleep(0.05)  # the logins' requests are in flight
        timings = probe(url, probes)
        statuses = [f.result() for f in futures]
    assert all(s == 303 for s in statuses), statuses
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=30)
    parser.add_argument("--probes", type=int, default=20)
    args = parser.parse_args()
    with demo_server() as server:
        probe(server.url, 5)  # warm up
        idle = statistics.median(probe(server.url, args.probes))
        busy = statistics.median(under_load(server.url, args.logins, args.probes))
    print(f"/healthz median, idle:                  {idle * 1000:8.1f} ms")
    print(f"/healthz median, {args.logins} logins in parallel: {busy * 1000:8.1f} ms")
    print(f"ratio busy / idle: {busy / idle:.1f}")


if __name__ == "__main__":
    main()

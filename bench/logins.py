"""/healthz while 30 people log in at once: its latency against an idle server.

    .venv/bin/python bench/logins.py [--logins 30] [--probes 20]

A demo server (SQLite) answers sequential ``/healthz`` probes, first ``--probes``
alone, then for as long as ``--logins`` logins (each an Argon2 check) run in
parallel. With the hash on the event loop a probe waits for every login queued
before it; off the loop the probes only share the CPU. Prints the median and the
slowest probe of each phase, and the ratio of the medians.
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


def under_load(url: str, logins: int) -> list[float]:
    """Probe timings taken while ``logins`` logins run in parallel, until the last is done."""
    start = threading.Barrier(logins + 1)

    def one(n: int) -> int:
        start.wait()
        return log_in(url, n)

    timings: list[float] = []
    with ThreadPoolExecutor(max_workers=logins) as pool:
        futures = [pool.submit(one, n) for n in range(logins)]
        start.wait()
        time.sleep(0.05)  # the logins' requests are in flight
        while not all(f.done() for f in futures):
            timings += probe(url, 1)
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
        idle = probe(server.url, args.probes)
        busy = under_load(server.url, args.logins)
    print(f"{'/healthz':<32} {'median ms':>10} {'slowest ms':>11}")
    for label, timings in (("idle", idle), (f"during {args.logins} logins", busy)):
        print(f"{label:<32} {statistics.median(timings) * 1000:10.1f} {max(timings) * 1000:11.1f}")
    print(f"probes during the logins: {len(busy)}")
    ratio = statistics.median(busy) / statistics.median(idle)
    print(f"ratio of medians, during logins / idle: {ratio:.1f}")


if __name__ == "__main__":
    main()

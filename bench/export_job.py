"""A large .xlsx export as one request against the same export as a background job.

    .venv/bin/python bench/export_job.py [--visits 100000]

A child process on a fresh SQLite database loads the demo data and ``--visits`` visits
(bulk-written, as bench/coverage.py does), then, as an admin, asks for the review list
(every visit) as .xlsx through the app, three ways in the same run:

- ``inline``: ``EXPORT_INLINE_ROWS`` above the row count: the request writes the workbook
  (its first byte comes when the whole file is written);
- ``job``: ``EXPORT_INLINE_ROWS=0``: the request queues a job and answers 303 at once;
  then the time until the worker has written the file;
- ``job_default``: the default threshold (20,000): the request first reads 20,001 rows to
  know the export is large, then queues the job.

Printed: seconds to the response's first byte, and the job's time to done.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402

ORIGIN = "http://bench.local"
PASSWORD = "bench-password-1"
PATH = "/exports/review.xlsx?kind=visit"


def main() -> int:
    """Run the child and print the table."""
    args = _arguments()
    if args.child:
        return asyncio.run(_child(args))
    work = Path(tempfile.mkdtemp(prefix="doorstep-bench-"))
    try:
        result = run_child(__file__, "sqlite", work, ["--visits", str(args.visits)], ORIGIN)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"review list of {args.visits:,} visits as .xlsx, SQLite")
    print(f"{'way':12} {'first byte s':>13} {'file ready s':>13}")
    for way in ("inline", "job", "job_default"):
        ready = result.get(f"{way}_ready", result[way])
        print(f"{way:12} {result[way]:13.3f} {ready:13.3f}")
    print(f"first byte: inline / job = {result['inline'] / result['job']:.0f}×")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


async def _child(args: argparse.Namespace) -> int:
    import httpx

    from bench.coverage import _fill
    from server.accounts import service as accounts
    from server.app import create_app
    from server.db import close_connections, migrate, open_connections
    from server.settings import Settings

    settings = Settings.from_env()
    await migrate(settings)
    await open_connections()
    await _fill(2000, args.visits)
    await accounts.create_account("bench", PASSWORD, display_name="bench", role="admin")
    await close_connections()
    result: dict[str, float] = {}
    ways = {"inline": 10**9, "job": 0, "job_default": settings.export_inline_rows}
    for way, limit in ways.items():
        app = create_app(dataclasses.replace(settings, export_inline_rows=limit))
        async with app.lifespan():
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
                await client.get("/login")
                await client.post(
                    "/login",
                    data={
                        "username": "bench",
                        "password": PASSWORD,
                        "_csrf_token": client.cookies["csrftoken"],
                    },
                )
                started = time.perf_counter()
                async with client.stream("GET", PATH) as response:
                    result[way] = time.perf_counter() - started
                    await response.aread()
                if way == "inline":
                    assert response.status_code == 200, response.headers.get("location")
                    continue
                assert response.status_code == 303, response.status_code
                location = response.headers["location"]
                while 'data-status="done"' not in (await client.get(location)).text:
                    await asyncio.sleep(0.2)
                result[f"{way}_ready"] = time.perf_counter() - started
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

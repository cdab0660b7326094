"""数据看板: dashboard requests over many households and visits, against a plain count.

    .venv/bin/python bench/dashboard.py [--households 100000] [--visits 1000000]
                                        [--only sqlite|postgres]

Each database runs in its own child process on a fresh database (PostgreSQL in its own
throwaway cluster). A child loads the demo data and adds ``--households`` households and
``--visits`` visits over the last 120 days, written in bulk (``bench/coverage.py``'s
fill), then times, median of 3, whole requests through the app (login, session, scope,
every count, the page rendered) as an admin:

- ``counties``: ``/dashboard?period=this_year``, a row per county (every visit counts);
- ``townships``: the same for 郧阳区, a row per township;
- ``teams``: the same per team (the total counted again as a whole);
- ``last_month``: ``/dashboard?period=last_month``, a row per county, its chart by week;
- ``count(*)``: a plain ``SELECT count(*)`` over the visits, in the same run.

The ratio printed is each request's time over the plain count's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402

ORIGIN = "http://bench.local"
PASSWORD = "bench-password"
REQUESTS = ("counties", "townships", "teams", "last_month")


def main() -> int:
    """Run each database's child and print the table."""
    args = _arguments()
    if args.child:
        return asyncio.run(_child(args))
    work = Path(tempfile.mkdtemp(prefix="doorstep-bench-"))
    results = []
    try:
        for database in ("sqlite", "postgres"):
            if args.only and args.only != database:
                continue
            child_args = ["--households", str(args.households), "--visits", str(args.visits)]
            results.append(run_child(__file__, database, work, child_args, ORIGIN))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.households:,} households, {args.visits:,} visits (median of 3)")
    print(f"{'database':10} {'request':10} {'seconds':>9} {'× count(*)':>11}")
    for result in results:
        base = result["count"]
        for name in ("count", *REQUESTS):
            label = "count(*)" if name == "count" else name
            seconds = result[name]
            print(f"{result['database']:10} {label:10} {seconds:9.3f} {seconds / base:11.1f}")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


async def _timed(work) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def _analyse(settings) -> None:
    """The statistics autovacuum would have gathered by now in a running deployment."""
    if settings.is_postgres:
        import asyncpg

        connection = await asyncpg.connect(settings.database_url)
        await connection.execute("ANALYZE")
        await connection.close()


async def _child(args: argparse.Namespace) -> int:
    import httpx

    from bench.coverage import _fill
    from server.accounts import service as accounts
    from server.app import create_app
    from server.areas.tables import Area
    from server.db import close_connections, fetch, migrate, open_connections
    from server.settings import Settings

    settings = Settings.from_env()
    await migrate(settings)
    await open_connections()
    await _fill(args.households, args.visits)
    await accounts.create_account("bench", PASSWORD, display_name="bench", role="admin")
    county = (await Area.select(Area.id).where(Area.name == "郧阳区").first())["id"]
    await close_connections()
    await _analyse(settings)
    app = create_app(settings)
    paths = {
        "counties": "/dashboard?period=this_year",
        "townships": f"/dashboard?period=this_year&place={county}",
        "teams": f"/dashboard?period=this_year&place={county}&by=team",
        "last_month": "/dashboard?period=last_month",
    }
    result = {}
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

            async def get(path: str) -> None:
                response = await client.get(path)
                assert response.status_code == 200, response.text[-2000:]

            await get(paths["townships"])  # warm the app up (templates, first connections)
            result["count"] = await _timed(lambda: fetch('SELECT count(*) AS n FROM "visit"'))
            for name, path in paths.items():
                result[name] = await _timed(lambda path=path: get(path))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

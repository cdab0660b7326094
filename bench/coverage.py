"""户户走到: the coverage queries over many households and visits, against a plain count.

    .venv/bin/python bench/coverage.py [--households 100000] [--visits 1000000]
                                       [--only sqlite|postgres]

Each database runs in its own child process on a fresh database (PostgreSQL in its own
throwaway cluster). A child loads the demo data, adds ``--households`` households to the
demo's villages, paired with ``VOLUNTEERS`` volunteers in ``TEAMS`` teams (the report's
31 teams and 500 volunteers; the demo's among them), and ``--visits`` visits spread over the
last 120 days (entry and visit rows written in bulk, as the ingest would leave them), then
measures, median of 3, as an admin (every area):

- ``village``: the coverage page's query per village (N = 30 days);
- ``team`` and ``volunteer``: the same per team and per volunteer (through pairings);
- ``drill``: one village's first page of households not visited in 30 days;
- ``count(*)``: a plain ``SELECT count(*)`` over the visits, in the same run.

Each query is timed first without the coverage index (``visit (household, visited_at)``,
dropped for the purpose) and then with it, on the same rows. The ratio printed is each
query's time (with the index) over the plain count's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402

BLOCK = 5000
TEAMS, VOLUNTEERS = 31, 500
"""The teams and volunteers the households are paired with (the report's society)."""
INDEX_MIGRATION = "doorstep_2026_12_02t02_33_33_357141"
"""The migration that adds the coverage index (the bench times the queries without it too)."""


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
            results.append(run_child(__file__, database, work, child_args, "http://bench.local"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.households:,} households, {args.visits:,} visits (median of 3)")
    print(f"{'database':10} {'query':10} {'no index':>9} {'seconds':>9} {'× count(*)':>11}")
    for result in results:
        base = result["count"]
        for name in ("count", "village", "team", "volunteer", "drill"):
            label = "count(*)" if name == "count" else name
            seconds, before = result[name], result.get(f"{name}_before")
            was = f"{before:9.3f}" if before is not None else " " * 9
            print(f"{result['database']:10} {label:10} {was} {seconds:9.3f} {seconds / base:11.1f}")
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


async def _society(villages: list[int]) -> list[int]:
    """The demo's teams and volunteers made up to ``TEAMS`` and ``VOLUNTEERS``; their ids."""
    from server.accounts.tables import Account
    from server.areas.tables import Team
    from server.db import insert_rows, write_transaction

    teams = [r["id"] for r in await Team.select(Team.id)]
    people = Account.role.is_in(["volunteer", "leader"])
    have = len(await Account.select(Account.id).where(people))
    async with write_transaction():
        more = [
            {"name": f"服务队 B{n:02d}", "area": villages[n % len(villages)]}
            for n in range(len(teams), TEAMS)
        ]
        teams += [r["id"] for r in await insert_rows(Team, more, returning=Team.id)]
        accounts = [
            {
                "username": f"bench{n}",
                "display_name": f"志愿者{n}",
                "password_hash": "!",
                "role": "volunteer",
                "team": teams[n % len(teams)],
            }
            for n in range(have, VOLUNTEERS)
        ]
        await insert_rows(Account, accounts)
    return [r["id"] for r in await Account.select(Account.id).where(people)]


async def _fill(households: int, visits: int) -> None:
    from server import demo
    from server.areas.tables import Area
    from server.db import insert_rows, write_transaction
    from server.entries.kinds import visit_tally
    from server.entries.kinds.visit import Visit
    from server.entries.tables import Entry
    from server.households.tables import Household
    from server.pairings.tables import Pairing
    from server.settings import Settings

    await demo.load("bench-password")
    villages = [r["id"] for r in await Area.select(Area.id).where(Area.level == "village")]
    volunteers = await _society(villages)
    rng = random.Random(13)
    made: list[tuple[int, int]] = []
    for start in range(0, households, BLOCK):
        rows = [
            {"code": f"B{n:07d}", "head_name": f"户{n}", "village": villages[n % len(villages)]}
            for n in range(start, min(households, start + BLOCK))
        ]
        async with write_transaction():
            ids = await insert_rows(Household, rows, returning=Household.id)
            pairs = [
                {"volunteer": volunteers[r["id"] % len(volunteers)], "household": r["id"]}
                for r in ids
            ]
            await insert_rows(Pairing, pairs)
        made += [(p["household"], p["volunteer"]) for p in pairs]
    now = dt.datetime.now(dt.UTC)
    for start in range(0, visits, BLOCK):
        entries, rows = [], []
        for _ in range(min(BLOCK, visits - start)):
            household, volunteer = made[rng.randrange(len(made))]
            entry = uuid.uuid4()
            at = now - dt.timedelta(minutes=rng.randrange(120 * 24 * 60))
            entries.append(
                {
                    "id": entry,
                    "account": volunteer,
                    "kind": "visit",
                    "schema": 1,
                    "recorded_at": at.isoformat(),
                    "content_hash": entry.hex,
                    "body": "{}",
                }
            )
            rows.append(
                {"entry": entry, "household": household, "volunteer": volunteer, "visited_at": at}
            )
        async with write_transaction():
            await insert_rows(Entry, entries)
            await insert_rows(Visit, rows)
    # What the ingest keeps beside the visits it stores (the rows above bypass it).
    async with write_transaction():
        await visit_tally.rebuild(Settings.from_env().time_zone)


async def _timed(work) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def _child(args: argparse.Namespace) -> int:
    from server.actor import Actor
    from server.coverage import service
    from server.db import close_connections, fetch, migrate, open_connections
    from server.settings import Settings

    settings = Settings.from_env()
    await migrate(settings)
    from server.entries.kinds import visit_tally

    await visit_tally.ensure_zone(settings.time_zone)
    await open_connections()
    await _fill(args.households, args.visits)
    admin = Actor(0, "bench", "bench", "admin", None, None)
    villages = await service.rows(admin, "village", 30)
    biggest = max(villages, key=lambda r: r.households)
    queries = {
        "village": lambda: service.rows(admin, "village", 30),
        "team": lambda: service.rows(admin, "team", 30),
        "volunteer": lambda: service.rows(admin, "volunteer", 30),
        "drill": lambda: service.households(admin, "village", biggest.id, "stale", 30),
    }
    result = {"count": await _timed(lambda: fetch('SELECT count(*) AS n FROM "visit"'))}
    # The same rows without the coverage index, then with it again, in this one run.
    await _index(dropped=True)
    for name, query in queries.items():
        result[f"{name}_before"] = await _timed(query)
    await _index(dropped=False)
    for name, query in queries.items():
        result[name] = await _timed(query)
    await close_connections()
    print(json.dumps(result))
    return 0


async def _index(dropped: bool) -> None:
    """Drop the coverage index (``visit (household, visited_at)``) or make it again."""
    import importlib

    from server.db import engine

    migration = importlib.import_module(f"migrations.{INDEX_MIGRATION}")
    if dropped:
        await engine().run_ddl("DROP INDEX IF EXISTS visit_household_visited_at")
    else:
        for statement in migration.INDEXES:
            await engine().run_ddl(statement)
    await engine().run_ddl("ANALYZE")


if __name__ == "__main__":
    raise SystemExit(main())

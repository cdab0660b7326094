"""Pull: a volunteer's first pull and an empty pull, with 1,000 and with 100,000 households stored.

    .venv/bin/python bench/pull.py [--households 1000] [--visits 10] [--total 100000]
                                   [--limit 500] [--only sqlite|postgres]

Each database runs in its own child process (Piccolo builds its engine from
DATABASE_URL at import). A child loads the demo data, then gives one volunteer
``--households`` households (two to four members each) through the pairing
service, and pushes ``--visits`` visits per household through the one ingest
path (so the volunteer's phone holds households, visits and its own entries).
Then, over the real app in process (httpx's ASGI transport, ``Accept-Encoding:
gzip``), it measures:

- ``first pull``: every page from an empty cursor (``--limit`` per page): bytes
  on the wire (gzip-compressed), changes and seconds (median of 3);
- ``empty pull``: the cursor of the last page again, nothing new: bytes and
  milliseconds (median of 30).

It measures once with only that scope stored, then adds roster households
(paired 1,000 at a time with other volunteers, through the same pairing
service, so the change log holds their rows too) until the database holds
``--total``, and measures again. A pull reads one volunteer's
rows of the change log by index, so both columns should match: the cost
follows the volunteer's scope, not the size of the database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402

ORIGIN = "http://bench.local"
PASSWORD = "bench-password"
BLOCK = 1000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["建国", "秀英", "桂兰", "德明", "春华", "玉梅", "志强", "兰芳", "国平", "红霞"]


# --- the parent: one child per database -----------------------------------------


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
            results.append(_run_child(database, work, args))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _print(results, args)
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1000, help="in the volunteer's scope")
    parser.add_argument("--visits", type=int, default=10, help="visits per household")
    parser.add_argument("--total", type=int, default=100_000, help="households stored at the end")
    parser.add_argument("--limit", type=int, default=500, help="changes per page")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def _run_child(database: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return run_child(
        __file__,
        database,
        work,
        [
            "--households",
            str(args.households),
            "--visits",
            str(args.visits),
            "--total",
            str(args.total),
            "--limit",
            str(args.limit),
        ],
        ORIGIN,
    )


def _print(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(
        f"pull: one volunteer with {args.households:,} households x {args.visits} visits, "
        f"pages of {args.limit}, gzip"
    )
    header = f"{'database':<9} {'households stored':>17} │ {'first pull':<34} │ {'empty pull':<18}"
    print(header)
    print(f"{'':<9} {'':>17} │ {'changes':>8} {'pages':>5} {'KiB gz':>8} {'s':>9} │ "
          f"{'bytes':>7} {'ms':>9}")  # fmt: skip
    for result in results:
        for run in result["runs"]:
            first, empty = run["first"], run["empty"]
            print(
                f"{result['database']:<9} {run['households_stored']:>17,} │ "
                f"{first['changes']:>8,} {first['pages']:>5} {first['bytes'] / 1024:>8.1f} "
                f"{first['seconds']:>9.2f} │ {empty['bytes']:>7} {empty['ms']:>9.1f}"
            )
        small, large = result["runs"][0], result["runs"][-1]
        print(
            f"{result['database']:<9} ratio large/small: first pull "
            f"{large['first']['seconds'] / small['first']['seconds']:.2f}x time, "
            f"{large['first']['bytes'] / small['first']['bytes']:.2f}x bytes; empty pull "
            f"{large['empty']['ms'] / small['empty']['ms']:.2f}x time"
        )
    print(f"(setup per database, seconds: {', '.join(str(r['setup']) for r in results)})")


# --- the child: one database ------------------------------------------------------


async def _child(args: argparse.Namespace) -> int:
    from server import db, demo
    from server.accounts import service as accounts
    from server.settings import Settings

    settings = Settings.from_env()
    db.ensure_dirs(settings)
    await db.migrate(settings)
    await demo.load(PASSWORD)
    started = time.perf_counter()
    rng = random.Random(20261129)
    villages = await _villages()
    shared_hash = await accounts.hash_password(PASSWORD)
    volunteer = await _volunteer("bench", shared_hash)
    households = await _households(settings, rng, villages, args.households, "B")
    await _pair(volunteer, households)
    await _visits(rng, volunteer, households, args.visits)
    setup = time.perf_counter() - started
    runs = [await _measure(settings, args.limit)]
    started = time.perf_counter()
    missing = args.total - await _count()
    filler = await _households(settings, rng, villages, missing, "F")
    for block, start in enumerate(range(0, len(filler), BLOCK)):
        other = await _volunteer(f"filler{block}", shared_hash)
        await _pair(other, filler[start : start + BLOCK])
    setup += time.perf_counter() - started
    runs.append(await _measure(settings, args.limit))
    print(json.dumps({"runs": runs, "setup": round(setup)}))
    return 0


async def _villages() -> list[int]:
    from server.areas.tables import Area

    rows = await Area.select(Area.id).where(Area.level == "village")
    return [r["id"] for r in rows]


async def _volunteer(username: str, password_hash: str) -> int:
    from server.accounts import service as accounts

    return await accounts.create_account(
        username, "", display_name=username, password_hash=password_hash
    )


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


async def _households(
    settings: Any, rng: random.Random, villages: list[int], count: int, prefix: str
) -> list[int]:
    """``count`` roster households with two to four members each (the roster's rows are
    not what is measured, so they go in with the driver alone, in one transaction)."""
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    households = [
        (f"{prefix}{i:06d}", _name(rng), rng.choice(villages),
         f"{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
         f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}", "脱贫户", "", 1, now, now)
        for i in range(count)
    ]  # fmt: skip
    columns = ["code", "head_name", "village", "address", "phone", "poverty_status", "notes",
               "version", "created_at", "updated_at"]  # fmt: skip
    member_columns = ["id", "household", "name", "relation", "birth_year", "removed"]
    if settings.is_postgres:
        import asyncpg

        connection = await asyncpg.connect(settings.database_url)
        try:
            async with connection.transaction():
                await connection.copy_records_to_table(
                    "household", records=households, columns=columns
                )
                rows = await connection.fetch(
                    "SELECT id FROM household WHERE code LIKE $1 ORDER BY id", f"{prefix}%"
                )
                ids = [r["id"] for r in rows]
                members = _members(rng, ids, uuid.uuid4)
                await connection.copy_records_to_table(
                    "member", records=members, columns=member_columns
                )
        finally:
            await connection.close()
        return ids
    import sqlite3

    connection = sqlite3.connect(settings.sqlite_path, timeout=30)
    try:
        with connection:
            marks = ",".join("?" * len(columns))
            connection.executemany(
                f"INSERT INTO household ({','.join(columns)}) VALUES ({marks})",
                [(*h[:-2], h[-2].isoformat(), h[-1].isoformat()) for h in households],
            )
            found = connection.execute(
                "SELECT id FROM household WHERE code LIKE ? ORDER BY id", (f"{prefix}%",)
            )
            ids = [r[0] for r in found]
            connection.executemany(
                "INSERT INTO member (id, household, name, relation, birth_year, removed) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                _members(rng, ids, lambda: str(uuid.uuid4())),
            )
    finally:
        connection.close()
    return ids


def _members(rng: random.Random, ids: list[int], make_id: Any) -> list[tuple]:
    return [
        (make_id(), h, _name(rng), "户主" if n == 0 else "子女", rng.randint(1940, 2020), False)
        for h in ids
        for n in range(rng.randint(2, 4))
    ]


async def _pair(volunteer: int, households: list[int]) -> None:
    from server.pairings import pairing

    for start in range(0, len(households), BLOCK):
        await pairing.pair_many(None, volunteer, households[start : start + BLOCK])


async def _visits(
    rng: random.Random, volunteer: int, households: list[int], per_household: int
) -> None:
    """Visits as the phone pushes them, through the one ingest path, 500 per batch."""
    import datetime as dt

    from server.accounts.service import load_actor
    from server.entries.service import ingest

    actor = await load_actor(volunteer)
    assert actor is not None
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)
    entries = []
    for household in households:
        for n in range(per_household):
            when = now - dt.timedelta(days=5 * n + rng.randint(0, 4), hours=rng.randint(0, 9))
            level = rng.choice(["none", "some", "urgent"])
            entries.append(
                {
                    "id": str(uuid.uuid4()),
                    "kind": "visit",
                    "schema": 1,
                    "recorded_at": when.isoformat(),
                    "data": {
                        "household_id": str(household),
                        "needs": {
                            "health": {
                                "level": level,
                                "note": "高血压，需定期送药" if level != "none" else "",
                            },
                            "livelihood": {"level": "some", "note": "养了二十只鸡，想找销路"},
                        },
                        "follow_up": level == "urgent",
                        "follow_up_note": "请协调医院送药上门" if level == "urgent" else "",
                    },
                }
            )
    for start in range(0, len(entries), 500):
        results = await ingest(actor, entries[start : start + 500], "zh_CN", "bench-phone")
        assert all(r.status == "accepted" for r in results), results[:1]


async def _count() -> int:
    from server.households.tables import Household

    return await Household.count()


class _Page(msgspec.Struct):
    changes: list[msgspec.Raw]
    cursor: str
    more: bool


async def _measure(settings: Any, limit: int) -> dict[str, Any]:
    """A first pull (every page) and an empty pull, over the real app."""
    import httpx

    from server.app import create_app

    if settings.is_postgres:
        import asyncpg

        # The statistics autovacuum would have gathered by now in a running deployment.
        connection = await asyncpg.connect(settings.database_url)
        await connection.execute("ANALYZE")
        await connection.close()
    app = create_app(settings)
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
            headers = {"Origin": ORIGIN, "Accept-Encoding": "gzip"}

            async def page(cursor: str) -> tuple[dict[str, Any], int]:
                params = {"cursor": cursor, "limit": str(limit), "device_id": "bench-phone"}
                response = await client.get("/api/sync/pull", params=params, headers=headers)
                assert response.status_code == 200, response.text
                # Only what paging needs: decoding every change would time this script.
                head = msgspec.json.decode(response.content, type=_Page)
                body = {"changes": head.changes, "cursor": head.cursor, "more": head.more}
                return body, response.num_bytes_downloaded

            await page("")  # warm the app up (templates, caches, first connections)
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                cursor, changes, pages, wire = "", 0, 0, 0
                while True:
                    body, size = await page(cursor)
                    changes += len(body["changes"])
                    pages += 1
                    wire += size
                    cursor = body["cursor"]
                    if not body["more"]:
                        break
                runs.append(time.perf_counter() - started)
            seconds = statistics.median(runs)
            times, empty_bytes = [], 0
            for _ in range(30):
                started = time.perf_counter()
                body, empty_bytes = await page(cursor)
                times.append((time.perf_counter() - started) * 1000)
                assert body["changes"] == []
    return {
        "households_stored": await _count(),
        "first": {"changes": changes, "pages": pages, "bytes": wire, "seconds": seconds},
        "empty": {"bytes": empty_bytes, "ms": statistics.median(times)},
    }


if __name__ == "__main__":
    sys.exit(main())

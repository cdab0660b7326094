"""Push ingest against a raw ``executemany`` of the same rows, on SQLite and PostgreSQL.

    .venv/bin/python bench/ingest.py [--rounds 5] [--batches 40] [--only sqlite|postgres]

Each database runs in its own child process (Piccolo builds its engine from
DATABASE_URL at import). A child loads the demo data, then alternates, round
after round:

- ``ingest``: batches of 50 ``visit`` entries through ``entries.service.ingest``,
  the one ingest path, with the connections the app opens in its lifespan;
- ``http``: the same through ``POST /api/sync/push`` (the real app, in process,
  over httpx's ASGI transport: parsing, session, device record included; the
  request bodies are written before the clock starts, as a phone writes them);
- ``raw``: the rows each path stored (entry, visit, entry_receipt, audit_log and
  the pull change log, sync_change), read back and inserted again under new ids
  with one ``executemany`` per table and one transaction per batch (plus the
  change counter's update), with ``sqlite3`` or ``asyncpg`` directly.

It prints the median entries/s of each path and the median over rounds of each
path's ratio to the raw write of its own rows, done right after it in the same
round. The goals are a ratio of at least 0.5 for ``ingest`` and 0.6 for ``http``.
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
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402

BATCH = 50
ORIGIN = "http://bench.local"
PASSWORD = "bench-password"


# --- the parent: one child per database ---------------------------------------


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
    met = all(r["ratio"]["ingest"] >= 0.5 and r["ratio"]["http"] >= 0.6 for r in results)
    return 0 if met else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each path (median)")
    parser.add_argument("--batches", type=int, default=40, help="batches of 50 per round")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def _run_child(database: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return run_child(
        __file__,
        database,
        work,
        ["--rounds", str(args.rounds), "--batches", str(args.batches)],
        ORIGIN,
    )


def _print(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"push ingest, batches of {BATCH} visits, {args.batches} batches x {args.rounds} rounds")
    print(f"{'database':<10} {'path':<8} {'entries/s':>10} {'ratio to raw':>13}")
    for result in results:
        for path in ("raw", "ingest", "http"):
            ratio = f"{result['ratio'][path]:.2f}" if path in result["ratio"] else ""
            rate = result["rate"][path]
            print(f"{result['database']:<10} {path:<8} {rate:>10,.0f} {ratio:>13}")
    for path, goal in (("ingest", 0.5), ("http", 0.6)):
        worst = min(r["ratio"][path] for r in results)
        print(f"goal: {path}/raw >= {goal} on each database; lowest measured {worst:.2f}")


# --- the child: one database ----------------------------------------------------


async def _child(args: argparse.Namespace) -> int:
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from server import db, demo
    from server.accounts import service as accounts
    from server.accounts.tables import Account
    from server.settings import Settings

    settings = Settings.from_env()
    db.ensure_dirs(settings)
    await db.migrate(settings)
    from server.entries.kinds import visit_tally

    await visit_tally.ensure_zone(settings.time_zone)
    await demo.load(PASSWORD)
    account = await Account.select(Account.id).where(Account.username == "vol1").first()
    actor = await accounts.load_actor(account["id"])
    raw = await RawWriter.open(settings)
    timings: dict[str, list[float]] = {"ingest": [], "http": [], "raw": []}
    ratios: dict[str, list[float]] = {"ingest": [], "http": []}
    try:
        async with _App(settings) as app:
            households = await _households(actor.id)
            for _ in range(args.rounds):
                paths = (("ingest", _ingest_path(actor), list), ("http", app.push, app.encode))
                for path, push, encode in paths:
                    batches = [_batch(households) for _ in range(args.batches)]
                    # What the phone does (writing the request) is not the server's time.
                    timings[path].append(await _timed(push, [encode(b) for b in batches]))
                    rows = [await raw.read_back(b) for b in batches]
                    timings["raw"].append(await _timed(raw.write, rows))
                    ratios[path].append(timings["raw"][-1] / timings[path][-1])
    finally:
        await raw.close()
    entries = BATCH * args.batches
    rate = {path: entries / statistics.median(times) for path, times in timings.items()}
    # Each round's path against the raw write of its own rows, right after it: the
    # machine's load changes less within a round than across the run.
    ratio = {path: statistics.median(values) for path, values in ratios.items()}
    print(json.dumps({"rate": rate, "ratio": ratio}))
    return 0


async def _timed(run: Any, batches: list[Any]) -> float:
    started = time.perf_counter()
    for batch in batches:
        await run(batch)
    return time.perf_counter() - started


async def _households(volunteer_id: int) -> list[int]:
    from server.scope import paired_household_ids

    return await paired_household_ids(volunteer_id)


def _batch(households: list[int]) -> list[dict[str, Any]]:
    """50 realistic visits (as the phone's outbox sends them) to the volunteer's households."""
    batch = []
    for index in range(BATCH):
        urgent = index % 7 == 0
        batch.append(
            {
                "id": str(uuid.uuid4()),
                "kind": "visit",
                "schema": 1,
                "recorded_at": f"2026-11-20T10:{index % 60:02d}:00+08:00",
                "data": {
                    "household_id": str(households[index % len(households)]),
                    "visited_at": "2026-11-20T09:30:00+08:00",
                    "needs": {
                        "health": {
                            "level": "urgent" if urgent else "some",
                            "note": "高血压，需要降压药" if urgent else "腿脚不便",
                        },
                        "training": {"level": "none", "note": ""},
                        "livelihood": {"level": "some", "note": "想养土鸡，缺少鸡苗"},
                        "work_school": {"level": "none", "note": ""},
                    },
                    "follow_up": urgent,
                    "follow_up_note": "请协调医院送药上门" if urgent else "",
                    "location": {"lat": 32.83, "lon": 110.81, "accuracy": 25.0},
                },
            }
        )
    return batch


def _ingest_path(actor: Any) -> Any:
    from server.entries.service import ingest

    async def push(batch: list[dict[str, Any]]) -> None:
        results = await ingest(actor, batch, "zh_CN", "bench-device")
        assert all(r.status == "accepted" for r in results), results[:1]

    return push


class _App:
    """The real app in this event loop (its lifespan opens the connections), logged in."""

    def __init__(self, settings: Any) -> None:
        from server.app import create_app

        self.app = create_app(settings)

    async def __aenter__(self) -> _App:
        import httpx

        self._lifespan = self.app.lifespan()
        await self._lifespan.__aenter__()
        transport = httpx.ASGITransport(app=self.app)
        self.client = httpx.AsyncClient(transport=transport, base_url=ORIGIN)
        await self.client.get("/login")
        response = await self.client.post(
            "/login",
            data={
                "username": "vol1",
                "password": PASSWORD,
                "_csrf_token": self.client.cookies["csrftoken"],
            },
        )
        assert response.status_code in (200, 303), response.status_code
        # The session cookie as a plain header: the client's cookie jar costs more per
        # request than some of what is measured, and it is no part of the server.
        cookie = "; ".join(f"{name}={value}" for name, value in self.client.cookies.items())
        self.client.cookies.clear()
        self.headers = {"Content-Type": "application/json", "Origin": ORIGIN, "Cookie": cookie}
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
        await self._lifespan.__aexit__(*exc)

    def encode(self, batch: list[dict[str, Any]]) -> bytes:
        """The request body a phone sends for ``batch``."""
        body = {
            "device_id": "bench-device",
            "app_version": "bench",
            "pending_count": len(batch),
            "oldest_pending_at": None,
            "entries": batch,
        }
        return json.dumps(body, ensure_ascii=False).encode()

    async def push(self, body: bytes) -> None:
        """One ``POST /api/sync/push``; every entry must be accepted."""
        response = await self.client.post("/api/sync/push", content=body, headers=self.headers)
        assert response.status_code == 200, response.text
        statuses = {r["status"] for r in response.json()["results"]}
        assert statuses == {"accepted"}, statuses


class RawWriter:
    """The floor: the same rows written with the database driver alone.

    Each table's rows are found by the entry ids they belong to (``KEYS``) and
    get fresh ids; the change log's rows also get fresh numbers from its
    counter, taken in the same transaction, as the ingest path takes them.
    """

    KEYS = {
        "entry": "id",
        "visit": "entry",
        "entry_receipt": "entry_id",
        "audit_log": "row_id",
        "sync_change": "object_id",
    }
    UUID_KEYS = {"entry", "visit"}

    def __init__(self, settings: Any) -> None:
        self.postgres = settings.is_postgres
        self.settings = settings
        self.connection: Any = None

    @classmethod
    async def open(cls, settings: Any) -> RawWriter:
        writer = cls(settings)
        if writer.postgres:
            import asyncpg

            writer.connection = await asyncpg.connect(settings.database_url)
        else:
            import sqlite3

            writer.connection = sqlite3.connect(
                settings.sqlite_path, isolation_level=None, timeout=30
            )
            writer.connection.execute("PRAGMA journal_mode=WAL")
            writer.connection.execute("PRAGMA foreign_keys=1")
        return writer

    async def close(self) -> None:
        result = self.connection.close()
        if asyncio.iscoroutine(result):
            await result

    async def read_back(self, batch: list[dict[str, Any]]) -> dict[str, tuple[list[str], list]]:
        """The rows a path stored for ``batch``, with fresh ids so they can be inserted again."""
        ids = [e["id"] for e in batch]
        fresh = {i: str(uuid.uuid4()) for i in ids}
        rows: dict[str, tuple[list[str], list]] = {}
        for table, key in self.KEYS.items():
            found = await self._select(table, key, ids)
            if not found:
                continue
            columns = [c for c in found[0] if c != "id" or table == "entry"]
            values = []
            for row in found:
                new_key = fresh[str(row[key])]
                row[key] = (
                    uuid.UUID(new_key) if self.postgres and table in self.UUID_KEYS else new_key
                )
                values.append([row[c] for c in columns])
            rows[table] = (columns, values)
        return rows

    async def _select(self, table: str, key: str, ids: list[str]) -> list[dict[str, Any]]:
        if self.postgres:
            typed = [uuid.UUID(i) for i in ids] if table in self.UUID_KEYS else ids
            cast = "uuid[]" if table in self.UUID_KEYS else "text[]"
            found = await self.connection.fetch(
                f'SELECT * FROM "{table}" WHERE "{key}" = ANY($1::{cast})', typed
            )
            return [dict(r) for r in found]
        marks = ",".join("?" * len(ids))
        cursor = self.connection.execute(f'SELECT * FROM "{table}" WHERE "{key}" IN ({marks})', ids)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

    async def write(self, rows: dict[str, tuple[list[str], list]]) -> None:
        """One transaction: the change numbers, then one executemany per table."""
        if self.postgres:
            async with self.connection.transaction():
                await self._number(rows)
                for table, (columns, values) in rows.items():
                    marks = ", ".join(f"${n + 1}" for n in range(len(columns)))
                    await self.connection.executemany(_insert(table, columns, marks), values)
            return
        self.connection.execute("BEGIN IMMEDIATE")
        await self._number(rows)
        for table, (columns, values) in rows.items():
            marks = ", ".join("?" * len(columns))
            self.connection.executemany(_insert(table, columns, marks), values)
        self.connection.execute("COMMIT")

    async def _number(self, rows: dict[str, tuple[list[str], list]]) -> None:
        if "sync_change" not in rows:
            return
        columns, values = rows["sync_change"]
        count = len(values)
        if self.postgres:
            last = await self.connection.fetchval(
                "UPDATE sync_counter SET value = value + $1 WHERE name = 'changes' RETURNING value",
                count,
            )
        else:
            [(last,)] = self.connection.execute(
                "UPDATE sync_counter SET value = value + ? WHERE name = 'changes' RETURNING value",
                (count,),
            ).fetchall()
        seq = columns.index("seq")
        for index, row in enumerate(values):
            row[seq] = last - count + 1 + index


def _insert(table: str, columns: list[str], marks: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'


if __name__ == "__main__":
    sys.exit(main())

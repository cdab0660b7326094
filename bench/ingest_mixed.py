"""Ingest of mixed batches (visits, medicine deliveries, purchases) against a raw
``executemany`` of the same rows, on SQLite and PostgreSQL, in the same run.

    .venv/bin/python bench/ingest_mixed.py [--rounds 5] [--batches 20] [--only sqlite|postgres]

As ``bench/ingest.py``, whose child machinery it shares, but each batch of 50 holds 20
visits, 15 medicine deliveries (one medicine each, to a member of the household) and 15
purchases: the catalogue and member lookups and the kinds' own rows are part of what is
measured. ``raw`` writes the rows the ingest stored (entry, each kind's table, receipts,
audit, change log) again with one ``executemany`` per table and one transaction per batch.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402
from bench.ingest import BATCH, ORIGIN, PASSWORD, RawWriter, _batch, _timed  # noqa: E402

KIND_TABLES = ("medicine_delivery", "medicine_delivery_item", "purchase")


class MixedRawWriter(RawWriter):
    """The raw floor with the new kinds' tables (each keyed by its entry)."""

    KEYS = {**RawWriter.KEYS, **{table: "entry" for table in KIND_TABLES}}
    UUID_KEYS = RawWriter.UUID_KEYS | set(KIND_TABLES)


def main() -> int:
    """Run each database's child and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return asyncio.run(_child(args))
    work = Path(tempfile.mkdtemp(prefix="doorstep-bench-"))
    results = []
    try:
        for database in ("sqlite", "postgres"):
            if not args.only or args.only == database:
                child = ["--rounds", str(args.rounds), "--batches", str(args.batches)]
                results.append(run_child(__file__, database, work, child, ORIGIN))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"mixed ingest, batches of {BATCH} (20 visits, 15 deliveries, 15 purchases), "
        f"{args.batches} batches x {args.rounds} rounds"
    )
    print(f"{'database':<10} {'path':<8} {'entries/s':>10} {'ratio to raw':>13}")
    for result in results:
        print(f"{result['database']:<10} {'raw':<8} {result['rate']['raw']:>10,.0f}")
        print(
            f"{result['database']:<10} {'ingest':<8} {result['rate']['ingest']:>10,.0f} "
            f"{result['ratio']:>13.2f}"
        )
    return 0


def _mixed(households: list[int], members: dict[int, str], items: dict[str, str]) -> list[dict]:
    batch = _batch(households)[:20]
    for index in range(15):
        household = households[index % len(households)]
        line = {
            "item_id": items["medicine"],
            "quantity": 2,
            "unit": "盒",
            "expiry_date": "2028-08-14",
            "dose": "每日一次",
            "days_supply": 30,
        }
        batch.append(
            {
                "id": str(uuid.uuid4()),
                "kind": "medicine_delivery",
                "schema": 1,
                "recorded_at": "2026-11-20T11:00:00+08:00",
                "data": {
                    "household_id": str(household),
                    "member_id": members[household],
                    "items": [line],
                    "hospital": "柳陂镇卫生院",
                },
            }
        )
    for index in range(15):
        household = households[index % len(households)]
        batch.append(
            {
                "id": str(uuid.uuid4()),
                "kind": "purchase",
                "schema": 1,
                "recorded_at": "2026-11-20T15:00:00+08:00",
                "data": {
                    "household_id": str(household),
                    "item_id": items["products"],
                    "quantity": 2.5,
                    "unit": "斤",
                    "amount_fen": 1250,
                },
            }
        )
    return batch


async def _child(args: argparse.Namespace) -> int:
    from server import db, demo
    from server.accounts import service as accounts
    from server.accounts.tables import Account
    from server.catalogues.tables import CatalogueItem
    from server.entries.service import ingest
    from server.households.tables import Member
    from server.scope import paired_household_ids
    from server.settings import Settings

    settings = Settings.from_env()
    db.ensure_dirs(settings)
    await db.migrate(settings)
    await demo.load(PASSWORD)
    await db.open_connections()
    account = await Account.select(Account.id).where(Account.username == "vol1").first()
    actor = await accounts.load_actor(account["id"])
    households = await paired_household_ids(actor.id)
    members = {}
    for row in await Member.select(Member.id, Member.household).where(
        Member.household.is_in(households)
    ):
        members.setdefault(row["household"], str(row["id"]))
    households = [h for h in households if h in members]
    items = {}
    for catalogue in ("medicine", "products"):
        row = (
            await CatalogueItem.select(CatalogueItem.id)
            .where(CatalogueItem.catalogue == catalogue)
            .first()
        )
        items[catalogue] = str(row["id"])

    async def push(batch: list[dict[str, Any]]) -> None:
        results = await ingest(actor, batch, "zh_CN", "bench-device")
        assert all(r.status == "accepted" for r in results), results[:1]

    raw = await MixedRawWriter.open(settings)
    timings: dict[str, list[float]] = {"ingest": [], "raw": []}
    ratios = []
    try:
        for _ in range(args.rounds):
            batches = [_mixed(households, members, items) for _ in range(args.batches)]
            timings["ingest"].append(await _timed(push, batches))
            rows = [await raw.read_back(b) for b in batches]
            timings["raw"].append(await _timed(raw.write, rows))
            ratios.append(timings["raw"][-1] / timings["ingest"][-1])
    finally:
        await raw.close()
        await db.close_connections()
    entries = BATCH * args.batches
    rate = {path: entries / statistics.median(times) for path, times in timings.items()}
    print(json.dumps({"rate": rate, "ratio": statistics.median(ratios)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

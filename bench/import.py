"""Roster import of 10,000 rows, through the real app, on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py [--rows 10000] [--edited 1000] [--only sqlite|postgres]

Each database runs in its own child process (Piccolo builds its engine from
DATABASE_URL at import). A child loads the demo data, makes an .xlsx roster of
``--rows`` households spread over the demo coordinator's villages (two to five
members each), and times, logged in as that coordinator over httpx's ASGI
transport:

- ``preview``: the upload, read and checked (every row, against the database);
- ``import``: the import as the browser runs it, one htmx step (500 rows, one
  transaction each) after another until done;
- ``again``: the same file uploaded and imported again (nothing may change);
- ``edited``: the file with ``--edited`` rows changed (phone and one member),
  each through the versioned household path;
- ``raw``: the same households and members inserted with ``executemany`` by
  the driver alone (``sqlite3`` / ``asyncpg``), one transaction: the floor.

The goal: preview + import of 10,000 rows within 30 seconds on each database.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.children import run_child  # noqa: E402

ORIGIN = "http://bench.local"
PASSWORD = "bench-password"
GOAL_SECONDS = 30.0
HEADER = ["户编号", "户主姓名", "村", "地址", "家庭成员", "联系电话", "户类型", "备注"]


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
    return 0 if all(r["seconds"]["preview"] + r["seconds"]["import"] <= GOAL_SECONDS
                    for r in results) else 1  # fmt: skip


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="households in the file")
    parser.add_argument("--edited", type=int, default=1_000, help="rows changed for 'edited'")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def _run_child(database: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    return run_child(
        __file__, database, work, ["--rows", str(args.rows), "--edited", str(args.edited)], ORIGIN
    )


def _print(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"roster import, {args.rows:,} rows ({args.edited:,} edited for 'edited')")
    print(f"{'database':<10} {'step':<8} {'seconds':>8} {'rows/s':>9} {'ratio to raw':>13}")
    for result in results:
        raw = result["seconds"]["raw"]
        for step, seconds in result["seconds"].items():
            rows = args.edited if step == "edited" else args.rows
            ratio = f"{raw / seconds:.2f}" if step in ("import", "again") else ""
            print(f"{result['database']:<10} {step:<8} {seconds:>8.2f} {rows / seconds:>9,.0f}"
                  f" {ratio:>13}")  # fmt: skip
        print(f"{result['database']:<10} counts   {result['counts']}")
    for result in results:
        total = result["seconds"]["preview"] + result["seconds"]["import"]
        print(
            f"goal: preview + import <= {GOAL_SECONDS:.0f} s; {result['database']}: {total:.1f} s"
        )


# --- the child: one database --------------------------------------------------------


def _roster(villages: list[str], rows: int, edited: int = 0) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for index in range(rows):
        village = villages[index % len(villages)]
        head = f"户主{index:05d}"
        members = [f"{head}/户主/{rng.randint(1940, 1990)}"] + [
            f"成员{index:05d}-{m}/子女/{rng.randint(1990, 2020)}" for m in range(rng.randint(1, 4))
        ]
        phone = f"138{index:08d}"
        if index < edited:
            phone = f"139{index:08d}"
            members.append(f"新成员{index:05d}/孙子女/2024")
        sheet.append([f"B{index:06d}", head, village, f"{village}{index % 12 + 1}组",
                      "；".join(members), phone, "脱贫户", ""])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
        self.client = httpx.AsyncClient(transport=transport, base_url=ORIGIN, timeout=300)
        await self.client.get("/login")
        response = await self.client.post(
            "/login",
            data={"username": "coord", "password": PASSWORD, "_csrf_token": self._csrf()},
        )
        assert response.status_code in (200, 303), response.status_code
        return self

    def _csrf(self) -> str:
        return self.client.cookies["csrftoken"]

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
        await self._lifespan.__aexit__(*exc)

    async def preview(self, data: bytes) -> str:
        response = await self.client.post(
            "/admin/roster",
            data={"_csrf_token": self._csrf()},
            files={"file": ("roster.xlsx", data)},
        )
        assert response.status_code == 303, response.text[-2000:]
        return response.headers["location"]

    async def import_steps(self, location: str) -> dict[str, int]:
        """As the browser does it: the import button, then one step per progress fragment."""
        headers = {"HX-Request": "true", "X-CSRFToken": self._csrf()}
        page = (await self.client.post(f"{location}/import", headers=headers)).text
        while 'id="import-progress"' in page:
            page = (await self.client.post(f"{location}/step", headers=headers)).text
        return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}

    async def import_at_once(self, location: str) -> dict[str, int]:
        """As a browser without JavaScript does it: one POST that runs every step."""
        response = await self.client.post(f"{location}/import", data={"_csrf_token": self._csrf()})
        assert response.status_code == 303, response.text[-2000:]
        page = (await self.client.get(location)).text
        return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}


async def _timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work
    return time.perf_counter() - started, result


async def _raw(settings: Any, rows: int, village_ids: list[int]) -> float:
    """The same households and members written by the driver alone, in one transaction."""
    households = [
        (f"R{i:06d}", f"户主{i:05d}", village_ids[i % len(village_ids)], f"{i % 12 + 1}组",
         f"138{i:08d}", "脱贫户", "", 1)
        for i in range(rows)
    ]  # fmt: skip
    members = [(str(uuid.uuid4()), i, f"成员{i}-{m}", "子女", 2000) for i in range(rows)
               for m in range(3)]  # fmt: skip
    columns = "code, head_name, village, address, phone, poverty_status, notes, version"
    started = time.perf_counter()
    if settings.is_postgres:
        import asyncpg

        connection = await asyncpg.connect(settings.database_url)
        try:
            async with connection.transaction():
                await connection.executemany(
                    f"INSERT INTO household ({columns}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
                    households,
                )
                ids = await connection.fetch("SELECT id FROM household WHERE code LIKE 'R%'")
                first = min(r["id"] for r in ids)
                await connection.executemany(
                    "INSERT INTO member (id, household, name, relation, birth_year)"
                    " VALUES ($1::uuid,$2,$3,$4,$5)",
                    [(m[0], first + m[1], *m[2:]) for m in members],
                )
        finally:
            await connection.close()
    else:
        import sqlite3

        connection = sqlite3.connect(settings.sqlite_path)
        try:
            with connection:
                connection.executemany(
                    f"INSERT INTO household ({columns}) VALUES (?,?,?,?,?,?,?,?)", households
                )
                first = connection.execute(
                    "SELECT min(id) FROM household WHERE code LIKE 'R%'"
                ).fetchone()[0]
                connection.executemany(
                    "INSERT INTO member (id, household, name, relation, birth_year)"
                    " VALUES (?,?,?,?,?)",
                    [(m[0], first + m[1], *m[2:]) for m in members],
                )
        finally:
            connection.close()
    return time.perf_counter() - started


async def _child(args: argparse.Namespace) -> int:
    from server import db, demo
    from server.areas.tables import Area
    from server.settings import Settings

    settings = Settings.from_env()
    db.ensure_dirs(settings)
    await db.migrate(settings)
    await demo.load(PASSWORD)
    coord_villages = ["华家河村", "大柳村", "刘家沟村", "茶店村", "樱桃沟村"]
    first = _roster(coord_villages, args.rows)
    edited = _roster(coord_villages, args.rows, args.edited)
    seconds: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    async with _App(settings) as app:
        seconds["preview"], location = await _timed(app.preview(first))
        seconds["import"], counts["import"] = await _timed(app.import_steps(location))
        started = time.perf_counter()
        counts["again"] = await app.import_at_once(await app.preview(first))
        seconds["again"] = time.perf_counter() - started
        started = time.perf_counter()
        counts["edited"] = await app.import_at_once(await app.preview(edited))
        seconds["edited"] = time.perf_counter() - started
    villages = await Area.select(Area.id).where(Area.name.is_in(coord_villages))
    seconds["raw"] = await _raw(settings, args.rows, [v["id"] for v in villages])
    assert counts["import"]["created"] == args.rows, counts
    assert counts["again"]["unchanged"] == args.rows, counts
    assert counts["edited"]["updated"] == args.edited, counts
    print(json.dumps({"seconds": seconds, "counts": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

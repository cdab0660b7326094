"""The database engine, write transactions, bulk inserts and migrations under a lock."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import operator
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import asyncpg
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from server.engines import PostgreSQL, SQLite
from server.settings import Settings


def make_engine(settings: Settings) -> Engine:
    """The Piccolo engine for ``settings.database_url``."""
    if settings.is_postgres:
        # JIT compiling costs the dashboard's grouped counts more than it saves (0.6 s of a
        # 1.4 s statement, bench/dashboard.py), and their per-household groups spill to
        # disk at the default 4 MB of sort memory.
        tuning = {"jit": "off", "work_mem": "32MB", "plan_cache_mode": "force_custom_plan"}
        return PostgreSQL(config={"dsn": settings.database_url, "server_settings": tuning})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: a backup or a CLI command may hold the file briefly.
    return SQLite(path=str(path), timeout=30)


@functools.cache
def engine() -> Engine:
    """The engine piccolo_conf.py built (the one every table uses).

    Kept after the first call: finding it goes through Piccolo's module lookup
    each time (about 50 µs), and the ingest path asks for it several times a batch.
    """
    found = engine_finder()
    assert found is not None, "piccolo_conf.py was not found"
    return found


def is_sqlite() -> bool:
    """True when the tables live in SQLite."""
    return isinstance(engine(), SQLiteEngine)


async def open_connections() -> None:
    """Keep connections open for the running loop (the app's startup hook)."""
    await engine().start_connection_pool()


async def close_connections() -> None:
    """Close what ``open_connections`` opened on the running loop (shutdown hook)."""
    await engine().close_connection_pool()


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writes.

    SQLite allows one writer: the engine queues in-process writers, and the
    transaction takes the write lock at BEGIN (IMMEDIATE) so it can never fail
    half-way when upgrading from a read.
    """
    db = engine()
    if db.transaction_exists():
        yield  # already inside one: the outer transaction commits or rolls back
    elif isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


_MAX_PARAMETERS = 32_000
"""Below both SQLite's (32,766) and asyncpg's (32,767) limit on bind parameters."""


def _values(table: type[Table], rows: Sequence[Mapping[str, Any]]) -> tuple[list[Column], list]:
    """The columns to write (a serial key only when given) and each row's values."""
    given = rows[0]
    columns = [c for c in table._meta.columns if not c._meta.primary_key or c._meta.name in given]
    missing = [c for c in columns if c._meta.name not in given]
    pick = operator.itemgetter(*(c._meta.name for c in columns))
    values = []
    for row in rows:
        if missing:
            row = {**row, **{c._meta.name: _default(c) for c in missing if c._meta.name not in row}}
        picked = pick(row)
        values.append(picked if len(columns) > 1 else (picked,))
    return columns, values


def _default(column: Column) -> Any:
    value = column.get_default_value()
    return value.python() if isinstance(value, Default) else value


def _on_conflict(target: Column | Sequence[Column] | None, update: Sequence[Column]) -> str:
    if target is None:
        return ""
    targets = [target] if isinstance(target, Column) else list(target)
    keys = ", ".join(f'"{c._meta.db_column_name}"' for c in targets)
    if not update:
        return f" ON CONFLICT ({keys}) DO NOTHING"
    names = [f'"{c._meta.db_column_name}"' for c in update]
    return f" ON CONFLICT ({keys}) DO UPDATE SET " + ", ".join(f"{n} = EXCLUDED.{n}" for n in names)


async def insert_rows(
    table: type[Table],
    rows: Sequence[Mapping[str, Any]],
    *,
    on_conflict: Column | Sequence[Column] | None = None,
    update: Sequence[Column] = (),
    returning: Column | None = None,
) -> list[dict[str, Any]]:
    """Insert ``rows`` (column name to value) into ``table`` with one statement per chunk.

    ``Table.insert(*instances)`` builds a nested query string for every value of
    every row (about 150 µs for a row of ten columns on this machine's CPU), and
    an ingest batch writes hundreds of rows. Here the statement is written once
    and the values go to the driver as they are: ``executemany`` when nothing is
    returned, else one multi-row ``VALUES``. A missing column takes its default;
    values must be what the driver takes (ids, text, datetimes, bools, JSON as
    text). ``on_conflict``: the unique column(s) of ``ON CONFLICT (...) DO NOTHING``,
    or ``DO UPDATE`` of the ``update`` columns with the new row's values;
    ``returning``: the column to return from the rows actually inserted.
    """
    if not rows:
        return []
    db = engine()
    columns, values = _values(table, rows)
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    head = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES '
    tail = _on_conflict(on_conflict, update)
    if returning is None:
        if isinstance(db, SQLiteEngine):
            marks = ", ".join("?" * len(columns))
        else:
            marks = ", ".join(f"${n + 1}" for n in range(len(columns)))
        await db.execute_many(f"{head}({marks}){tail}", values)  # type: ignore[attr-defined]
        return []
    tail += f' RETURNING "{returning._meta.db_column_name}"'
    per_chunk = max(1, _MAX_PARAMETERS // len(columns))
    found: list[dict[str, Any]] = []
    for start in range(0, len(values), per_chunk):
        chunk = values[start : start + per_chunk]
        if isinstance(db, SQLiteEngine):
            row_marks = "(" + ", ".join("?" * len(columns)) + ")"
            marks = ", ".join([row_marks] * len(chunk))
        else:
            numbers = iter(range(1, len(chunk) * len(columns) + 1))
            marks = ", ".join(
                "(" + ", ".join(f"${next(numbers)}" for _ in columns) + ")" for _ in chunk
            )
        args = [value for row in chunk for value in row]
        found += await db.run_sql(head + marks + tail, args)  # type: ignore[attr-defined]
    return found


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Run raw SQL with ``{}`` placeholders (Piccolo's portable form)."""
    return await engine().run_querystring(QueryString(sql, *args))


def lock_file(path: Path) -> Any:
    """Hold an exclusive lock on ``path`` (returns the open file; closing releases it).

    Raises BlockingIOError when another process holds it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 — the caller keeps it open for the lock's life
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise
    return handle


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def migrate(settings: Settings) -> None:
    """Apply pending migrations once, even when several processes start together."""
    if settings.is_postgres:
        conn = await asyncpg.connect(settings.database_url)
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", _advisory_key("doorstep.migrate"))
            result = await run_forwards(app_name="all")
        finally:
            await conn.close()  # ends the session, which releases the advisory lock
    else:
        lock_path = settings.sqlite_path.with_suffix(".migrate.lock")
        handle = _blocking_lock(lock_path)
        try:
            await engine().run_querystring(QueryString("PRAGMA journal_mode=WAL"))
            result = await run_forwards(app_name="all")
        finally:
            handle.close()
    if not result.success:
        raise RuntimeError(f"migrations failed: {result.message}")


def _blocking_lock(path: Path) -> Any:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115
    fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
    return handle


def ensure_dirs(settings: Settings) -> None:
    """Create the data folders the app writes to."""
    for folder in (settings.data_dir, settings.attachments_dir):
        os.makedirs(folder, exist_ok=True)

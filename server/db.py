"""The database engine, write transactions and migrations under a lock."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString

from server.settings import Settings

_write_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def make_engine(settings: Settings) -> Engine:
    """The Piccolo engine for ``settings.database_url``."""
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # A generous busy timeout: a backup or a CLI command may hold the file briefly.
    return SQLiteEngine(path=str(path), timeout=30)


def engine() -> Engine:
    """The engine piccolo_conf.py built (the one every table uses)."""
    found = engine_finder()
    assert found is not None, "piccolo_conf.py was not found"
    return found


def is_sqlite() -> bool:
    """True when the tables live in SQLite."""
    return isinstance(engine(), SQLiteEngine)


def _write_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _write_locks.get(loop)
    if lock is None:
        lock = _write_locks[loop] = asyncio.Lock()
    return lock


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for writes.

    SQLite allows one writer; in-process writers queue on a lock instead of
    spinning on SQLITE_BUSY, and the transaction takes the write lock at BEGIN
    (IMMEDIATE) so it can never fail half-way when upgrading from a read.
    """
    db = engine()
    if db.transaction_exists():
        yield  # already inside one: the outer transaction commits or rolls back
    elif isinstance(db, SQLiteEngine):
        async with _write_lock(), db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


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
    from piccolo.apps.migrations.commands.forwards import run_forwards

    if settings.is_postgres:
        import asyncpg

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

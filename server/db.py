"""The database engine, write transactions and migrations under a lock.

Piccolo's stock SQLite engine opens a connection (and a thread) for every query
and every transaction, and its PostgreSQL engine keeps a single pool that every
event loop would share. Both are subclassed here, with Piccolo's tables and
queries unchanged, so that the loop serving the app (the one that ran its
lifespan, ``open_connections``) keeps its connections open, while any other
loop (a test's ``run_sync``, a CLI command) still gets plain connections of its
own and never touches another loop's.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import operator
import os
import sqlite3
import weakref
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piccolo.columns import Column
from piccolo.columns.defaults.base import Default
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from server.settings import Settings

Loop = asyncio.AbstractEventLoop


def _running_loop() -> Loop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


@dataclass
class _Held:
    """The connections one event loop keeps open, and how many apps asked for them."""

    writer: Any
    reader: Any
    users: int = 1


class SQLite(SQLiteEngine):
    """One writer and one reader connection per serving event loop.

    Writers in the process queue on an asyncio lock instead of spinning on
    SQLITE_BUSY; reads outside a transaction go to the reader connection, which
    WAL lets run beside the writer. Every other loop gets Piccolo's behaviour.
    """

    def __init__(self, path: str, **connection_kwargs: Any) -> None:
        self._held: weakref.WeakKeyDictionary[Loop, _Held] = weakref.WeakKeyDictionary()
        self._locks: weakref.WeakKeyDictionary[Loop, asyncio.Lock] = weakref.WeakKeyDictionary()
        super().__init__(path=path, **connection_kwargs)

    def held(self) -> _Held | None:
        """The open connections of the running loop, if it opened any."""
        loop = _running_loop()
        return self._held.get(loop) if loop is not None else None

    def write_lock(self) -> asyncio.Lock:
        """The running loop's writer lock (one transaction at a time in the process)."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def start_connection_pool(self, **_: Any) -> None:
        """Open the running loop's connections (nested calls share them)."""
        loop = asyncio.get_running_loop()
        held = self._held.get(loop)
        if held is not None:
            held.users += 1
            return
        self._held[loop] = _Held(await self.get_connection(), await self.get_connection())

    async def close_connection_pool(self) -> None:
        """Close the running loop's connections when the last user is done."""
        loop = asyncio.get_running_loop()
        held = self._held.get(loop)
        if held is None:
            return
        held.users -= 1
        if held.users == 0:
            del self._held[loop]
            async with self.write_lock():
                await held.writer.close()
            await held.reader.close()

    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        """Outside a transaction, on a serving loop: reads on the reader, writes in turn."""
        held = self.held()
        if held is None or self.current_transaction.get() is not None:
            return await super().run_querystring(querystring, in_pool)
        query, args = querystring.compile_string(engine_type=self.engine_type)
        return await self._run_held(held, query, args, querystring.query_type, querystring.table)

    async def run_ddl(self, ddl: str, in_pool: bool = False) -> Any:
        """DDL outside a transaction, on a serving loop, goes through the writer."""
        held = self.held()
        if held is None or self.current_transaction.get() is not None:
            return await super().run_ddl(ddl, in_pool)
        return await self._run_held(held, ddl, [], "generic", None)

    async def _run_held(
        self, held: _Held, query: str, args: list[Any], query_type: str, table: Any
    ) -> Any:
        if self.log_queries:
            self.print_query(query_id=self.get_query_id(), query=query)
        if query.lstrip()[:6].upper() == "SELECT":
            return await self._run_in_existing_connection(held.reader, query, args)
        async with self.write_lock():
            return await self._run_in_existing_connection(
                held.writer, query, args, query_type, table
            )

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # One hop to the connection's thread instead of four: every connection
        # already has foreign keys on and the dict row factory (get_connection).
        if query_type == "insert" and self.get_version_sync() < 3.35:
            return await super()._run_in_existing_connection(
                connection, query, args, query_type, table
            )
        return await connection.execute_fetchall(query, args or [])

    async def run_sql(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """SQL with ``?`` parameters, on the connection a Piccolo query would use."""
        transaction = self.current_transaction.get()
        if transaction is not None:
            return await self._run_in_existing_connection(transaction.connection, sql, list(args))
        held = self.held()
        if held is not None:
            return await self._run_held(held, sql, list(args), "generic", None)
        return await self._run_in_new_connection(sql, list(args))

    async def execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One statement, many rows of ``?`` parameters, in the current transaction."""
        transaction = self.current_transaction.get()
        if transaction is None:
            async with self.transaction(transaction_type=TransactionType.immediate):
                await self.execute_many(sql, rows)
            return
        await transaction.connection.executemany(sql, rows)

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        """A transaction that waits its turn, on the loop's writer when it has one."""
        return _QueuedTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


class _QueuedTransaction(SQLiteTransaction):
    """Piccolo's SQLite transaction, serialised per loop and on a kept connection."""

    engine: SQLite

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self._lock = self.engine.write_lock()
        await self._lock.acquire()
        held = self.engine.held()
        self._kept = held is not None
        self._done = False
        try:
            self.connection = held.writer if held else await self.engine.get_connection()
            await self.begin()
        except BaseException:
            await self._release()
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
            self._done = True
        finally:
            self.engine.current_transaction.reset(self.context)
            await self._release()
        return exception is None

    async def _release(self) -> None:
        if not self._kept:
            try:
                if hasattr(self, "connection"):
                    await self.connection.close()  # closing rolls back what is left open
            finally:
                self._lock.release()
        elif self._done:
            self._lock.release()
        else:
            # Cut short (an error in COMMIT, a cancellation): the kept connection
            # must be out of its transaction before the next writer gets it, even
            # if this task is cancelled while waiting.
            await asyncio.shield(asyncio.ensure_future(self._settle()))

    async def _settle(self) -> None:
        try:
            await self.connection.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass  # no transaction was open
        finally:
            self._lock.release()


class PostgreSQL(PostgresEngine):
    """Piccolo's PostgreSQL engine with one asyncpg pool per serving event loop.

    Piccolo reads ``engine.pool`` wherever it picks a connection; here that is
    the running loop's pool, so a loop that started none (a test's ``run_sync``)
    opens plain connections instead of borrowing another loop's.
    """

    def __init__(self, config: dict[str, Any], **kwargs: Any) -> None:
        self._pools: weakref.WeakKeyDictionary[Loop, Any] = weakref.WeakKeyDictionary()
        self._users: weakref.WeakKeyDictionary[Loop, int] = weakref.WeakKeyDictionary()
        super().__init__(config=config, **kwargs)

    @property  # type: ignore[override]
    def pool(self) -> Any:
        """The running loop's pool, or None."""
        loop = _running_loop()
        return self._pools.get(loop) if loop is not None else None

    @pool.setter
    def pool(self, value: Any) -> None:
        loop = _running_loop()
        if loop is None:
            return
        if value is None:
            self._pools.pop(loop, None)
        else:
            self._pools[loop] = value

    async def start_connection_pool(self, **kwargs: Any) -> None:
        """Start the running loop's pool (nested calls share it)."""
        loop = asyncio.get_running_loop()
        users = self._users.get(loop, 0)
        if users == 0:
            await super().start_connection_pool(**{"min_size": 1, "max_size": 10, **kwargs})
        self._users[loop] = users + 1

    async def run_sql(self, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        """SQL with ``$n`` parameters, on the connection a Piccolo query would use."""
        transaction = self.current_transaction.get()
        if transaction is not None:
            rows = await transaction.connection.fetch(sql, *args)
        elif self.pool:
            rows = await self._run_in_pool(sql, args)
        else:
            rows = await self._run_in_new_connection(sql, args)
        return [dict(r) for r in rows]

    async def execute_many(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        """One statement, many rows of ``$n`` parameters, in the current transaction."""
        transaction = self.current_transaction.get()
        if transaction is None:
            async with self.transaction():
                await self.execute_many(sql, rows)
            return
        await transaction.connection.executemany(sql, rows)

    async def close_connection_pool(self) -> None:
        """Close the running loop's pool when the last user is done."""
        loop = asyncio.get_running_loop()
        users = self._users.get(loop, 0)
        if users == 1:
            await super().close_connection_pool()
        if users:
            self._users[loop] = users - 1


def make_engine(settings: Settings) -> Engine:
    """The Piccolo engine for ``settings.database_url``."""
    if settings.is_postgres:
        return PostgreSQL(config={"dsn": settings.database_url})
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

"""Piccolo's engines, keeping their connections open on the loop that serves the app.

Piccolo's stock SQLite engine opens a connection (and a thread) for every query
and every transaction, and its PostgreSQL engine keeps a single pool that every
event loop would share. Both are subclassed here, with Piccolo's tables and
queries unchanged, so that the loop serving the app (the one that ran its
lifespan, ``db.open_connections``) keeps its connections open, while any other
loop (a test's ``run_sync``, a CLI command) still gets plain connections of its
own and never touches another loop's.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType
from piccolo.querystring import QueryString

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

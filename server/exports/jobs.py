"""The export job table: asking for a large export, claiming it to write, its progress.

A claim is one ``UPDATE ... WHERE status = 'queued'``: of several processes claiming the
same job together, exactly one gets its row back (on SQLite and PostgreSQL alike). A
process writing a job touches ``heartbeat_at`` as it goes; a job whose heartbeat is
older than ``STALE`` was left by a process that died, and is failed (``interrupted``)
so its owner can ask again.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import weakref
from pathlib import Path
from typing import Any

from server.actor import Actor, now
from server.exports.tables import ExportJob

STALE = dt.timedelta(minutes=2)
KEPT = dt.timedelta(days=1)
"""How long a finished file is kept for its owner to download."""
FOLDER = "exports"
"""Where the files go, under ``DATA_DIR``."""

_events: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = (
    weakref.WeakKeyDictionary()
)
"""Each serving loop's wake-up call for its export worker."""


async def ask(
    actor: Actor, what: str, query: dict[str, str], filters: dict[str, Any], language: str
) -> int:
    """Queue an export for ``actor``; its id (call ``wake`` after: the worker starts it)."""
    [row] = await ExportJob.insert(
        ExportJob(
            account=actor.id,
            what=what,
            query=json.dumps(query, ensure_ascii=False),
            filters=json.dumps(filters, ensure_ascii=False, default=str),
            language=language,
            created_at=now(),
        )
    ).returning(ExportJob.id)
    return row["id"]


def query_of(job: dict[str, Any]) -> dict[str, str]:
    """The query parameters the job was asked with."""
    return json.loads(job["query"])


async def find(job_id: int) -> dict[str, Any] | None:
    """The job ``job_id`` (with its owner's account id), or None."""
    return await ExportJob.select().where(ExportJob.id == job_id).first()


async def claim() -> dict[str, Any] | None:
    """Take the oldest queued job for this process, or None when none is waiting."""
    while True:
        waiting = (
            await ExportJob.select(ExportJob.id)
            .where(ExportJob.status == "queued")
            .order_by(ExportJob.id)
            .first()
        )
        if waiting is None:
            return None
        claimed = (
            await ExportJob.update(
                {
                    ExportJob.status: "running",
                    ExportJob.heartbeat_at: now(),
                    ExportJob.attempts: ExportJob.attempts + 1,
                }
            )
            .where((ExportJob.id == waiting["id"]) & (ExportJob.status == "queued"))
            .returning(*ExportJob.all_columns())
        )
        if claimed:
            return claimed[0]
        # Another process took that one between the look and the claim: look again.


async def progress(job_id: int, rows: int) -> None:
    """Rows written so far (and a sign of life)."""
    await ExportJob.update({ExportJob.rows_written: rows, ExportJob.heartbeat_at: now()}).where(
        ExportJob.id == job_id
    )


async def done(job_id: int, rows: int, path: str) -> None:
    """The file is written: ``path`` is relative to ``DATA_DIR``."""
    at = now()
    await ExportJob.update(
        {
            ExportJob.status: "done",
            ExportJob.rows_written: rows,
            ExportJob.file_path: path,
            ExportJob.heartbeat_at: at,
            ExportJob.finished_at: at,
        }
    ).where(ExportJob.id == job_id)


async def failed(job_id: int, code: str) -> None:
    """The job cannot be written, for the reason ``code``."""
    at = now()
    await ExportJob.update(
        {ExportJob.status: "failed", ExportJob.error: code[:40], ExportJob.finished_at: at}
    ).where(ExportJob.id == job_id)


async def fail_abandoned() -> int:
    """Fail the running jobs whose process stopped beating; how many."""
    at = now()
    stale = (ExportJob.status == "running") & (ExportJob.heartbeat_at < at - STALE)
    # A look first: most passes find none, and need no writer (SQLite has one).
    if not await ExportJob.exists().where(stale):
        return 0
    rows = (
        await ExportJob.update(
            {ExportJob.status: "failed", ExportJob.error: "interrupted", ExportJob.finished_at: at}
        )
        .where(stale)
        .returning(ExportJob.id)
    )
    return len(rows)


async def delete_old_files(data_dir: Path) -> int:
    """Delete the files finished more than ``KEPT`` ago; how many."""
    old = await ExportJob.select(ExportJob.id, ExportJob.file_path).where(
        ExportJob.file_path.is_not_null() & (ExportJob.finished_at < now() - KEPT)
    )
    for row in old:
        with contextlib.suppress(FileNotFoundError):
            (data_dir / row["file_path"]).unlink()
    if old:
        await ExportJob.update({ExportJob.file_path: None}).where(
            ExportJob.id.is_in([r["id"] for r in old])
        )
    return len(old)


def wake() -> None:
    """Tell this process's export worker a job is waiting (other processes poll)."""
    for loop, event in list(_events.items()):
        if not loop.is_closed():
            loop.call_soon_threadsafe(event.set)


def listen() -> asyncio.Event:
    """This loop's wake-up call (made before the worker's first wait)."""
    loop = asyncio.get_running_loop()
    event = _events.get(loop)
    if event is None:
        event = _events[loop] = asyncio.Event()
    return event


async def wait(seconds: float) -> None:
    """Sleep until woken or ``seconds`` have passed."""
    event = listen()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)
    event.clear()

"""The export worker in each app process: writes the large exports people asked for.

It runs as a task on the serving loop, beside the requests: the database reads stay on
the loop, openpyxl's writing goes to a thread (``writer.xlsx_write``). Jobs are claimed
from the table (``jobs.claim``), so several processes share them and each is written
once; the worker also fails jobs a dead process left running and deletes files older
than a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import time
from typing import Any
from zoneinfo import ZoneInfo

from server.accounts.service import load_actor
from server.exports import jobs
from server.exports.builders import BUILDERS
from server.exports.writer import xlsx_write
from server.settings import Settings

log = logging.getLogger("doorstep.exports")
POLL_SECONDS = 2.0
"""How often an idle worker looks for jobs other processes queued."""
PROGRESS_SECONDS = 0.5
"""Rows written are saved at most this often (each save is a write)."""


class ExportWorker:
    """Started with the app (``start``), stopped with it (``stop``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        """Begin working on the running loop."""
        jobs.listen()
        self.task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self) -> None:
        """Stop, leaving a job in hand to be failed as interrupted."""
        if self.task is None:
            return
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self.task
        self.task = None

    async def run(self) -> None:
        """Claim and write until stopped."""
        while True:
            try:
                await jobs.fail_abandoned()
                await jobs.delete_old_files(self.settings.data_dir)
                job = await jobs.claim()
                if job is None:
                    await jobs.wait(POLL_SECONDS)
                    continue
                await self.write(job)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("export worker")
                await jobs.wait(POLL_SECONDS)

    async def write(self, job: dict[str, Any]) -> None:
        """Write one claimed job's file, re-running its export as the account that asked."""
        folder = self.settings.data_dir / jobs.FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{job['id']}-{secrets.token_hex(8)}.xlsx"
        partial = folder / f"{name}.part"
        try:
            code = await self._write(job, str(partial))
        except asyncio.CancelledError:
            # The app is stopping: say so now rather than when the heartbeat goes stale.
            partial.unlink(missing_ok=True)
            with contextlib.suppress(Exception):
                await jobs.failed(job["id"], "interrupted")
            raise
        except Exception:
            log.exception("export job %s", job["id"])
            code = "export_failed"
        if isinstance(code, str):
            partial.unlink(missing_ok=True)
            await jobs.failed(job["id"], code)
            return
        os.replace(partial, folder / name)
        await jobs.done(job["id"], code, f"{jobs.FOLDER}/{name}")

    async def _write(self, job: dict[str, Any], path: str) -> int | str:
        """The rows written, or the code of why the export cannot be written."""
        actor = await load_actor(job["account"])
        builder = BUILDERS.get(job["what"])
        if actor is None or not actor.is_coordinator:
            return "not_allowed"
        if builder is None:
            return "unknown_export"
        built = await builder(actor, jobs.query_of(job), self.settings, job["language"])
        if isinstance(built, str):
            return built
        last = 0.0

        async def progress(rows: int) -> None:
            nonlocal last
            if time.monotonic() - last >= PROGRESS_SECONDS:
                last = time.monotonic()
                await jobs.progress(job["id"], rows)

        zone = ZoneInfo(self.settings.time_zone)
        return await xlsx_write(built.sheets, job["language"], zone, path, progress)

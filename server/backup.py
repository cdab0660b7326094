"""Consistent backups (SQLite ``VACUUM INTO``, ``pg_dump``) and restoring them."""

from __future__ import annotations

import asyncio
import datetime as dt
import glob
import os
import secrets
import shutil
import sqlite3
import subprocess
from pathlib import Path

import asyncpg

from server.attachments.storage import TEMP_SUFFIX
from server.settings import Settings


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise RuntimeError(f"{name} not found; install PostgreSQL's client tools")
    return candidates[0]


def backup(settings: Settings, output: str | None = None) -> Path:
    """Write the database and the attachments to a new folder; returns it."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    folder = Path(output or settings.data_dir / "backups") / f"doorstep-{stamp}"
    folder.mkdir(parents=True, exist_ok=False)
    if settings.is_postgres:
        subprocess.run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                "--file",
                str(folder / "database.pgdump"),
                settings.database_url,
            ],
            check=True,
        )
    else:
        source = sqlite3.connect(settings.sqlite_path)
        try:
            # One consistent snapshot, even while the app keeps writing.
            source.execute("VACUUM INTO ?", (str(folder / "database.sqlite3"),))
        finally:
            source.close()
    if settings.attachments_dir.exists():
        # A file still being written is not part of the copy (its rename makes it one).
        shutil.copytree(
            settings.attachments_dir,
            folder / "attachments",
            ignore=shutil.ignore_patterns(f"*{TEMP_SUFFIX}"),
        )
    return folder


def restore(settings: Settings, path: str) -> None:
    """Replace the database (and attachments) with a backup; stop the app first.

    A restored server has forgotten whatever arrived after the backup, so the
    sync epoch changes: phones then pull everything and re-send what they kept.
    """
    folder = Path(path)
    if settings.is_postgres:
        subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                settings.database_url,
                str(folder / "database.pgdump"),
            ],
            check=True,
        )
    else:
        target = settings.sqlite_path
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(folder / "database.sqlite3", target)
    if (folder / "attachments").exists():
        shutil.copytree(folder / "attachments", settings.attachments_dir, dirs_exist_ok=True)
    os.makedirs(settings.attachments_dir, exist_ok=True)
    _new_epoch(settings)


def _new_epoch(settings: Settings) -> None:
    """Write a new epoch into the restored database itself (not the engine this process
    may have built for another one)."""
    epoch = secrets.token_hex(8)
    delete = "DELETE FROM system_value WHERE key = 'epoch'"
    insert = "INSERT INTO system_value (key, value, created_at) VALUES ('epoch', {}, {})"
    if settings.is_postgres:

        async def write() -> None:
            connection = await asyncpg.connect(settings.database_url)
            try:
                async with connection.transaction():
                    await connection.execute(delete)
                    await connection.execute(insert.format("$1", "now()"), epoch)
            finally:
                await connection.close()

        asyncio.run(write())
        return
    connection = sqlite3.connect(settings.sqlite_path)
    try:
        with connection:
            connection.execute(delete)
            stamp = dt.datetime.now(dt.UTC).isoformat()
            connection.execute(insert.format("?", "?"), (epoch, stamp))
    finally:
        connection.close()

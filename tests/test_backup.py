"""``doorstep backup`` and ``doorstep restore``: a restored copy holds the same data."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

from server.attachments import storage
from tests.builders import jpeg_bytes, listed, push_results, put_file, visit_entry
from tests.helpers import doorstep_cli, empty_database, household_ids_of, visit_form
from tests.support import ROOT


def _rows(url: str) -> tuple[set, set]:
    households = "SELECT code, head_name, phone FROM household"
    visits = "SELECT CAST(entry AS TEXT), CAST(household AS TEXT), health_level FROM visit"
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return (set(connection.execute(households)), set(connection.execute(visits)))
        finally:
            connection.close()

    async def read():
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            return (
                {tuple(r) for r in await connection.fetch(households)},
                {tuple(r) for r in await connection.fetch(visits)},
            )
        finally:
            await connection.close()

    return asyncio.run(read())


def test_a_restored_backup_shows_the_same_households_and_visits(vol1, db, tmp_path):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["needs.health.level"] = "some"
    vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    env = dict(os.environ)
    folder = Path(doorstep_cli(env, "backup", "--output", str(tmp_path / "backups")).strip())
    target = empty_database(tmp_path)
    restored_env = {**env, "DATABASE_URL": target, "DATA_DIR": str(tmp_path / "restored")}
    doorstep_cli(restored_env, "restore", str(folder))
    original = _rows(env["DATABASE_URL"])
    copy = _rows(target)
    assert len(original[0]) == 60
    assert copy == original
    assert any(row[0] == fields["entry_id"] for row in copy[1])


def test_a_restore_starts_a_new_sync_epoch(db, tmp_path):
    from server.system.service import epoch

    before = db(epoch)
    env = dict(os.environ)
    folder = Path(doorstep_cli(env, "backup", "--output", str(tmp_path / "backups")).strip())
    target = empty_database(tmp_path)
    restored_env = {**env, "DATABASE_URL": target, "DATA_DIR": str(tmp_path / "restored")}
    doorstep_cli(restored_env, "restore", str(folder))
    script = "import asyncio; from server.system.service import epoch; print(asyncio.run(epoch()))"
    after = subprocess.run(
        [sys.executable, "-c", script],
        env=restored_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert after and after != before


def test_a_backup_keeps_the_entries_files_and_a_restore_brings_them_back(vol1, db, tmp_path):
    [household, *_] = db(household_ids_of, "vol1")
    photo = jpeg_bytes()
    entry = {**visit_entry(household), "attachments": [listed("photo", photo)]}
    push_results(vol1, [entry])
    assert put_file(vol1, entry["id"], "photo", photo).status_code == 200
    env = dict(os.environ)
    folder = Path(doorstep_cli(env, "backup", "--output", str(tmp_path / "backups")).strip())
    assert photo in [f.read_bytes() for f in (folder / "attachments").rglob("*") if f.is_file()]
    restored_env = {
        **env,
        "DATABASE_URL": empty_database(tmp_path),
        "DATA_DIR": str(tmp_path / "restored"),
    }
    doorstep_cli(restored_env, "restore", str(folder))
    restored = tmp_path / "restored" / "attachments"
    assert storage.path_of(restored, uuid.UUID(entry["id"]), "photo").read_bytes() == photo

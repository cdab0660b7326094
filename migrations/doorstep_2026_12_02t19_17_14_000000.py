import datetime as dt
import json

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-02T19:17:14:000000"
VERSION = "1.38.0"
DESCRIPTION = "A household_patch row for every household edit already stored"

BATCH = 500
"""Entries read (and rows written) at a time."""


class Raw(Table):
    """Only for running SQL inside the migration's transaction."""


def _row(entry: dict) -> tuple | None:
    # Every stored patch passed the entry's checks; the guard is for hand-made rows.
    try:
        data = json.loads(entry["body"])["data"]
        household, base = int(data["household_id"]), int(data["base_version"])
        edited = dt.datetime.fromisoformat(entry["recorded_at"]).astimezone(dt.UTC)
    except (ValueError, TypeError, KeyError, OverflowError):
        return None
    return entry["id"], household, base, edited


async def _households(ids: set[int]) -> set[int]:
    if not ids:
        return set()
    marks = ", ".join("{}" for _ in ids)
    found = await Raw.raw(f"SELECT id FROM household WHERE id IN ({marks})", *ids)
    return {r["id"] for r in found}


async def backfill() -> None:
    """Reads the stored patches a page at a time, by id, and writes their rows."""
    last = None
    while True:
        after = "" if last is None else "AND e.id > {} "
        page = await Raw.raw(
            "SELECT e.id, e.recorded_at, e.body FROM entry e "
            "WHERE e.kind = 'household_patch' "
            f"{after}ORDER BY e.id LIMIT {BATCH}",
            *([] if last is None else [last]),
        )
        if not page:
            return
        last = page[-1]["id"]
        rows = [r for r in map(_row, page) if r is not None]
        known = await _households({r[1] for r in rows})
        for entry, household, base, edited in rows:
            if household in known:
                await Raw.raw(
                    "INSERT INTO household_patch (entry, household, base_version, edited_at) "
                    "VALUES ({}, {}, {}, {}) ON CONFLICT (entry) DO NOTHING",
                    entry,
                    household,
                    base,
                    edited,
                )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="doorstep", description=DESCRIPTION)
    manager.add_raw(backfill)
    return manager

"""Roster uploads: check and keep a file (the preview), then import it in chunks.

The uploaded file and its checked rows are kept under ``DATA_DIR/roster/<id>/``;
the import reads exactly those rows, chunk by chunk, each chunk in one write
transaction that also advances the upload's progress. Any app process can run
the next chunk, and importing the same file again changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from server.actor import Actor
from server.areas import service as areas
from server.areas.service import NotFound
from server.audit import service as audit
from server.conflicts.tables import HouseholdFlag
from server.db import write_transaction
from server.households.tables import Household
from server.rosters import reader
from server.rosters.apply import apply_chunk, branch
from server.rosters.tables import RosterRecord, RosterUpload
from server.scope import covers
from server.settings import Settings

CHUNK = 500
"""Rows per step: one transaction, one progress update."""
_LOOKUP = 1000


def folder(settings: Settings, upload_id: int) -> Path:
    """Where an upload's file and checked rows are kept."""
    return settings.data_dir / "roster" / str(upload_id)


def _check_file(filename: str, data: bytes) -> list[reader.Row]:
    rows = reader.rows_of(reader.read_table(data, reader.file_kind(filename)))
    reader.mark_duplicates(rows)
    return rows


async def _check_against_database(actor: Actor, rows: list[reader.Row]) -> dict[str, int]:
    """Villages and codes as the database has them; returns what the import would do."""
    index = reader.village_index(await areas.villages(actor))
    for row in rows:
        reader.resolve_village(row, index)
    codes = [r.values["code"] for r in rows if r.values["code"]]
    existing: dict[str, dict[str, Any]] = {}
    for start in range(0, len(codes), _LOOKUP):
        for h in await Household.select(
            Household.id,
            Household.code,
            Household.village,
            Household.village.path,
            Household.village.name,
        ).where(Household.code.is_in(codes[start : start + _LOOKUP])):
            existing[h["code"]] = h
    ids = [h["id"] for h in existing.values()]
    hashes: dict[int, str] = {}
    for start in range(0, len(ids), _LOOKUP):
        for r in await RosterRecord.select(RosterRecord.household, RosterRecord.row_hash).where(
            RosterRecord.household.is_in(ids[start : start + _LOOKUP])
        ):
            hashes[r["household"]] = r["row_hash"]
    summary = {"new": 0, "update": 0, "unchanged": 0}
    for row in rows:
        found = existing.get(row.values["code"])
        if found is not None and not covers(actor, found["village.path"]):
            row.problem("other_area", code=row.values["code"])
        elif (
            found is not None
            and "village_id" in row.values
            and (found["village"] != row.values["village_id"])
        ):
            row.problem("moved", code=row.values["code"], village=found["village.name"])
        if row.problems:
            continue
        row.values["hash"] = reader.row_hash(row.values)
        if found is None:
            summary["new"] += 1
        elif hashes.get(found["id"]) == row.values["hash"]:
            summary["unchanged"] += 1
        else:
            summary["update"] += 1
    return summary


async def upload(actor: Actor, filename: str, data: bytes, settings: Settings) -> int:
    """Check a roster file and keep it for the import; returns the upload's id.

    Writes no household: the preview lists every problem first. Raises
    reader.FileProblem when the file as a whole cannot be used.
    """
    filename = Path(filename or "roster").name[-200:]
    rows = await asyncio.to_thread(_check_file, filename, data)
    summary = await _check_against_database(actor, rows)
    good = [{**r.values, "line": r.line} for r in rows if not r.problems]
    bad = [
        {
            "line": r.line,
            "code": r.values["code"],
            "head_name": r.values["head_name"],
            "problems": r.problems,
        }
        for r in rows
        if r.problems
    ]
    digest = hashlib.sha256(data).hexdigest()
    async with write_transaction():
        inserted = await RosterUpload.insert(
            RosterUpload(
                actor=actor.id,
                filename=filename,
                sha256=digest,
                total_rows=len(good),
                problem_rows=len(bad),
            )
        ).returning(RosterUpload.id)
        upload_id = inserted[0]["id"]
        await audit.record(
            actor.id,
            "roster.upload",
            "roster_upload",
            upload_id,
            after={"filename": filename, "sha256": digest, "rows": len(rows), "problems": len(bad)},
        )
    target = folder(settings, upload_id)
    target.mkdir(parents=True, exist_ok=True)
    (target / f"original.{reader.file_kind(filename)}").write_bytes(data)
    checked = {"rows": good, "problems": bad, "summary": summary}
    (target / "checked.json").write_text(json.dumps(checked, ensure_ascii=False))
    return upload_id


@functools.lru_cache(maxsize=4)
def _read_checked(path: Path, modified: float) -> dict[str, Any]:
    return json.loads(path.read_text())


def checked(settings: Settings, upload_id: int) -> dict[str, Any]:
    """The rows of an upload as checked at preview: ``{rows, problems, summary}``."""
    path = folder(settings, upload_id) / "checked.json"
    return _read_checked(path, path.stat().st_mtime)


async def find(actor: Actor, upload_id: int) -> dict[str, Any]:
    """An upload of the actor's (admins: anyone's), else NotFound."""
    row = await RosterUpload.select().where(RosterUpload.id == upload_id).first()
    if row is None or not (actor.is_admin or row["actor"] == actor.id):
        raise NotFound
    return row


async def recent(actor: Actor, limit: int = 10) -> list[dict[str, Any]]:
    """The actor's latest uploads."""
    query = RosterUpload.select().order_by(RosterUpload.id, ascending=False).limit(limit)
    if not actor.is_admin:
        query = query.where(RosterUpload.actor == actor.id)
    return await query


_COUNTS = ("created", "updated", "unchanged", "flagged", "skipped")


async def step(actor: Actor, upload_id: int, settings: Settings) -> dict[str, Any]:
    """Import the next chunk of an upload; returns the upload afterwards.

    The upload's row is claimed by the UPDATE that starts the transaction (on
    PostgreSQL it stays locked until the commit), so two steps running at
    once for the same upload take turns and never import a chunk twice.
    """
    await find(actor, upload_id)
    rows = checked(settings, upload_id)["rows"]
    async with write_transaction():
        claimed = (
            await RosterUpload.update({RosterUpload.status: "importing"})
            .where((RosterUpload.id == upload_id) & (RosterUpload.status != "done"))
            .returning(*[getattr(RosterUpload, c) for c in ("next_row", *_COUNTS)])
        )
        if claimed:
            current = claimed[0]
            start = current["next_row"]
            chunk = rows[start : start + CHUNK]
            counts = await apply_chunk(actor, upload_id, chunk)
            finished = start + len(chunk) >= len(rows)
            values: dict[Any, Any] = {
                getattr(RosterUpload, c): current[c] + counts[c] for c in _COUNTS
            }
            values[RosterUpload.next_row] = start + len(chunk)
            if finished:
                values[RosterUpload.status] = "done"
                values[RosterUpload.finished_at] = dt.datetime.now(dt.UTC)
            await RosterUpload.update(values).where(RosterUpload.id == upload_id)
            if finished:
                report = {c: current[c] + counts[c] for c in _COUNTS}
                await audit.record(
                    actor.id, "roster.import", "roster_upload", upload_id, after=report
                )
    return await find(actor, upload_id)


async def run(actor: Actor, upload_id: int, settings: Settings) -> dict[str, Any]:
    """Import every remaining chunk (the form posted without JavaScript waits for this)."""
    current = await find(actor, upload_id)
    while current["status"] != "done":
        current = await step(actor, upload_id, settings)
    return current


async def flagged(upload_id: int) -> list[dict[str, Any]]:
    """Households this import flagged: a field correction met a different roster value."""
    return (
        await HouseholdFlag.select(
            HouseholdFlag.household, HouseholdFlag.household.code, HouseholdFlag.household.head_name
        )
        .where(HouseholdFlag.device_id == branch(upload_id))
        .order_by(HouseholdFlag.household.code)
    )

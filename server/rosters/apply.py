"""Applying a chunk of checked roster rows: new households are created, known ones updated
through the one versioned path (``apply_household_change``) with the last imported row as
their base, so corrections made in the field meanwhile are flagged, never overwritten."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from typing import Any

from server.actor import Actor
from server.audit.tables import AuditLog
from server.db import insert_rows
from server.households import change
from server.households.tables import Household, Member
from server.rosters.reader import TEXT_FIELDS
from server.rosters.tables import RosterRecord
from server.scope import covers
from server.sync import changelog

_BULK = 500
"""Codes per lookup of the new households' ids."""


def branch(upload_id: int) -> str:
    """The "device" an import writes as: each upload is its own branch of changes."""
    return f"roster:{upload_id}"


def _record(household_id: int, row: dict[str, Any], members: list[dict], version: int, upload_id):
    data = {**{k: row[k] for k in ("code", "village_id", *TEXT_FIELDS)}, "members": members}
    return RosterRecord(
        household=household_id,
        row_hash=row["hash"],
        data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        version=version,
        upload=upload_id,
    )


async def apply_chunk(actor: Actor, upload_id: int, rows: list[dict[str, Any]]) -> Counter:
    """Apply ``rows`` inside the caller's write transaction; returns what happened, counted.

    Keys: ``created``, ``updated``, ``unchanged``, ``flagged``, ``skipped``.
    """
    counts: Counter = Counter()
    await changelog.lock()  # before touching household rows (see changelog's lock order)
    existing = {
        h["code"]: h
        for h in await Household.select(
            Household.id, Household.code, Household.village, Household.village.path
        ).where(Household.code.is_in([r["code"] for r in rows] or ["-"]))
    }
    ids = [h["id"] for h in existing.values()]
    records = {
        r["household"]: r
        for r in await RosterRecord.select().where(RosterRecord.household.is_in(ids or [-1]))
    }
    new_rows = []
    for row in rows:
        found = existing.get(row["code"])
        if found is None:
            new_rows.append(row)
        elif found["village"] != row["village_id"] or not covers(actor, found["village.path"]):
            counts["skipped"] += 1  # it changed since the preview, which said so
        elif found["id"] in records and records[found["id"]]["row_hash"] == row["hash"]:
            counts["unchanged"] += 1  # the same row as last time: nothing to compare
        else:
            counts[await _update(actor, upload_id, found["id"], records.get(found["id"]), row)] += 1
    created = await _create(actor, upload_id, new_rows)
    counts["created"] += created
    counts["skipped"] += len(new_rows) - created
    return counts


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


async def _create(actor: Actor, upload_id: int, rows: list[dict[str, Any]]) -> int:
    """New households with their members, roster records and audit rows.

    Imports are serialised on the change log's lock (taken first), so no other
    writer creates these codes meanwhile: the ids read back are the new rows'.
    """
    if not rows:
        return 0
    now = dt.datetime.now(dt.UTC)
    await insert_rows(
        Household,
        [
            {
                "code": r["code"],
                "village": r["village_id"],
                **{name: r[name] for name in TEXT_FIELDS},
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for r in rows
        ],
        on_conflict=Household.code,
    )
    ids: dict[str, int] = {}
    codes = [r["code"] for r in rows]
    for start in range(0, len(codes), _BULK):
        found = await Household.select(Household.id, Household.code).where(
            Household.code.is_in(codes[start : start + _BULK]) & (Household.created_at == now)
        )
        ids.update({h["code"]: h["id"] for h in found})
    members, records, audits = [], [], []
    for row in rows:
        household_id = ids.get(row["code"])
        if household_id is None:
            continue
        with_ids = [{"id": str(uuid.uuid4()), **m} for m in row["members"]]
        members += [
            {
                "id": uuid.UUID(m["id"]),
                "household": household_id,
                **_member_columns(m),
                "removed": False,
            }
            for m in with_ids
        ]
        stored = _record(household_id, row, with_ids, 1, upload_id)
        records.append(
            {
                "household": household_id,
                "row_hash": stored.row_hash,
                "data": stored.data,
                "version": 1,
                "upload": upload_id,
                "imported_at": now,
            }
        )
        after = {k: row[k] for k in ("code", "village_id", *TEXT_FIELDS)}
        after.update(members=with_ids, source="import", upload=upload_id)
        audits.append(
            {
                "at": now,
                "actor": actor.id,
                "action": "household.create",
                "table_name": "household",
                "row_id": str(household_id),
                "before": None,
                "after": _json(after),
            }
        )
    await insert_rows(Member, members)
    await insert_rows(RosterRecord, records)
    await insert_rows(AuditLog, audits)
    return len(ids)


def _member_columns(member: dict[str, Any]) -> dict[str, Any]:
    return {k: member[k] for k in ("name", "relation", "birth_year")}


async def _base(household_id: int, record: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
    """The version and values the row is compared with: the last imported row, or, for a
    household never imported, its current values."""
    if record is not None:
        return record["version"], json.loads(record["data"])
    household = await Household.select().where(Household.id == household_id).first()
    members = await Member.select().where(
        (Member.household == household_id) & (Member.removed == False)  # noqa: E712
    )
    values = {name: household[name] for name in TEXT_FIELDS}
    values["members"] = [{"id": str(m["id"]), **_member_columns(m)} for m in members]
    return household["version"], values


def member_changes(
    before: list[dict[str, Any]], after: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The member changes from ``before`` (with ids) to ``after`` (without), and ``after``
    with ids. People are matched by name; anyone left over was taken off the roster."""
    pool = list(before)
    changes, with_ids = [], []
    for member in after:
        match = next((b for b in pool if b["name"] == member["name"]), None)
        if match is None:
            member_id = str(uuid.uuid4())
            changes.append({"id": member_id, **member})
        else:
            pool.remove(match)
            member_id = match["id"]
            if _member_columns(match) != _member_columns(member):
                changes.append({"id": member_id, **member})
        with_ids.append({"id": member_id, **member})
    changes += [{**gone, "removed": True} for gone in pool]
    return changes, with_ids


async def _update(
    actor: Actor, upload_id: int, household_id: int, record: dict | None, row: dict[str, Any]
) -> str:
    base_version, base = await _base(household_id, record)
    changes: dict[str, Any] = {k: row[k] for k in TEXT_FIELDS if row[k] != base.get(k)}
    members, with_ids = member_changes(base["members"], row["members"])
    if members:
        changes["members"] = members
    outcome = None
    if changes:
        outcome = await change.apply_household_change(
            actor.id,
            household_id,
            changes,
            base_version,
            branch(upload_id),
            "import",
            keep_current_on_conflict=True,
        )
    version = outcome.version if outcome else base_version
    stored = _record(household_id, row, with_ids, version, upload_id)
    await RosterRecord.insert(stored).on_conflict(
        target=RosterRecord.household,
        action="DO UPDATE",
        values=[
            RosterRecord.row_hash,
            RosterRecord.data,
            RosterRecord.version,
            RosterRecord.upload,
            RosterRecord.imported_at,
        ],
    )
    if outcome is None or (not outcome.changed and outcome.conflict is None):
        return "unchanged"
    return "flagged" if outcome.conflict else "updated"

"""The change log that ``GET /api/sync/pull`` reads, written inside the writing transactions.

Each volunteer has one row per object their phone should hold (their paired
households with members, those households' recent visits, their own recent
entries); a change replaces the row and gives it a new ``seq``, and unpairing
leaves a tombstone. A pull returns the volunteer's rows with ``seq`` above the
cursor, so its cost follows the volunteer's scope, not the size of the database.

Why a counter row: on PostgreSQL a sequence (or a serial id) hands out numbers
in the order transactions *start* writing, not the order they commit. A reader
could see seq 12 committed while seq 11 is still in flight, move its cursor to
12 and never see 11. Here every writer takes its numbers with
``UPDATE sync_counter SET value = value + n ... RETURNING value`` inside its own
transaction; that row stays locked until the writer commits or rolls back, so a
second writer cannot take numbers until the first one is finished. Numbers are
therefore committed in increasing order, and any snapshot that shows a seq also
shows every smaller one that will ever exist: a cursor never skips a row. The
price is that writers of the log are serialised on that row, from the moment
they take their numbers to their commit; ``write`` takes them last, just before
the commit, so the lock is held briefly. (SQLite has one writer at a time anyway.)

Lock order, to keep PostgreSQL free of deadlocks: a transaction that changes
households or pairings calls ``lock()`` first, before touching those rows; the
ingest path inserts its entries first and takes the counter at the end.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import msgspec

from server.areas.tables import Area
from server.db import engine, fetch, insert_rows
from server.households.tables import Household, Member
from server.pairings.tables import Pairing
from server.sync.tables import SyncChange, SyncCounter

COUNTER = "changes"
OWN_KINDS = ("household", "entry")
"""The objects the log writes itself; any other ``kind`` is what an entry shares."""


@dataclass(frozen=True)
class Shared:
    """An object pull sends, because of this entry, to every volunteer paired with
    ``household`` (a visit: to everyone who keeps that household's history)."""

    kind: str
    object_id: str
    household: int
    data: dict[str, Any]


@dataclass(frozen=True)
class Change:
    """The new state of one object for one volunteer; ``data`` None is a tombstone."""

    volunteer: int
    kind: str
    object_id: str
    data: dict[str, Any] | None
    version: int = 1
    household: int | None = None


async def reserve(count: int) -> int:
    """Take ``count`` numbers from the counter; returns the last one.

    Must run inside the writing transaction: the counter row stays locked until
    it ends (see the module docstring). ``reserve(0)`` only takes the lock.
    """
    assert engine().transaction_exists(), "change numbers are taken inside a transaction"
    for _ in range(2):
        rows = (
            await SyncCounter.update({SyncCounter.value: SyncCounter.value + count})
            .where(SyncCounter.name == COUNTER)
            .returning(SyncCounter.value)
        )
        if rows:
            return rows[0]["value"]
        await SyncCounter.insert(SyncCounter(name=COUNTER, value=0)).on_conflict(
            target=SyncCounter.name, action="DO NOTHING"
        )
    raise RuntimeError("the change counter could not be created")


async def lock() -> None:
    """Take the counter's lock now, before touching household or pairing rows."""
    await reserve(0)


_ENCODER = msgspec.json.Encoder(enc_hook=str)
"""Compact JSON, several times faster than ``json.dumps`` (an ingest batch writes
a row per entry and per paired volunteer)."""


def _json(data: dict[str, Any] | None) -> str:
    return _ENCODER.encode(data or {}).decode()


async def write(changes: list[Change]) -> None:
    """Number ``changes`` and store them, replacing earlier rows of the same objects."""
    latest = {(c.volunteer, c.kind, c.object_id): c for c in changes}
    if not latest:
        return
    first = await reserve(len(latest)) - len(latest) + 1
    rows = [
        {
            "seq": first + index,
            "volunteer": c.volunteer,
            "kind": c.kind,
            "object_id": c.object_id,
            "household": c.household,
            "version": c.version,
            "deleted": c.data is None,
            "data": _json(c.data),
        }
        for index, c in enumerate(latest.values())
    ]
    key = (SyncChange.volunteer, SyncChange.kind, SyncChange.object_id)
    replaced = [
        SyncChange.seq,
        SyncChange.household,
        SyncChange.version,
        SyncChange.deleted,
        SyncChange.data,
    ]
    await insert_rows(SyncChange, rows, on_conflict=key, update=replaced)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + 5000] for i in range(0, len(ids), 5000)] or [[]]


async def paired_volunteers(household_ids: list[int]) -> dict[int, set[int]]:
    """The volunteers paired now with each of ``household_ids``."""
    paired: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(household_ids):
        # Plain SQL: building this as a Piccolo select costs more than running it,
        # and every ingest batch asks.
        marks = ", ".join(["{}"] * len(chunk or [-1]))
        rows = await fetch(
            f'SELECT "household", "volunteer" FROM "{Pairing._meta.tablename}" '
            f'WHERE "household" IN ({marks}) AND "ended_at" IS NULL',
            *(chunk or [-1]),
        )
        for row in rows:
            paired[row["household"]].add(row["volunteer"])
    return paired


async def household_payloads(household_ids: list[int]) -> dict[int, tuple[int, dict[str, Any]]]:
    """``{id: (version, data)}``: what a phone holds of each household, members included."""
    households_rows: list[dict[str, Any]] = []
    member_rows: list[dict[str, Any]] = []
    for chunk in _chunks(household_ids):
        households_rows += await Household.select(
            Household.all_columns(), Household.village.name, Household.village.path
        ).where(Household.id.is_in(chunk or [-1]))
        member_rows += await Member.select().where(
            Member.household.is_in(chunk or [-1]) & (Member.removed == False)  # noqa: E712
        )
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in sorted(
        member_rows, key=lambda m: (m["birth_year"] is None, m["birth_year"] or 0, m["name"])
    ):
        members[m["household"]].append(
            {
                "id": str(m["id"]),
                "name": m["name"],
                "relation": m["relation"],
                "birth_year": m["birth_year"],
            }
        )
    places = await _place_names({h["village.path"] for h in households_rows})
    return {
        h["id"]: (
            h["version"],
            {
                "code": h["code"],
                "head_name": h["head_name"],
                "village_id": h["village"],
                "village": h["village.name"],
                "place": places[h["village.path"]],
                "address": h["address"],
                "phone": h["phone"],
                "poverty_status": h["poverty_status"],
                "notes": h["notes"],
                "members": members[h["id"]],
            },
        )
        for h in households_rows
    }


async def _place_names(paths: set[str]) -> dict[str, list[str]]:
    ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    rows = await Area.select(Area.id, Area.name).where(Area.id.is_in(list(ids) or [-1]))
    names = {r["id"]: r["name"] for r in rows}
    return {
        path: [names[int(p)] for p in path.strip("/").split("/") if p and int(p) in names]
        for path in paths
    }


async def scope_added(volunteer_id: int, household_ids: list[int], shared: list[Shared]) -> None:
    """Households newly paired with a volunteer: each whole household, and what the kinds
    share of them (``shared``: the registry's ``shared_history``, a visit's recent ones)."""
    payloads = await household_payloads(household_ids)
    changes = [
        Change(volunteer_id, "household", str(h), data, version, h)
        for h, (version, data) in payloads.items()
    ]
    for s in shared:
        changes.append(Change(volunteer_id, s.kind, s.object_id, s.data, 1, s.household))
    await write(changes)


async def scope_removed(volunteer_id: int, versions: dict[int, int]) -> None:
    """Households unpaired from a volunteer: a tombstone each; what the kinds shared of
    them (their visits) goes with them.

    The phone drops a tombstoned household's visits itself, so their rows are
    simply deleted (a reader who had not fetched them yet loses nothing). Every row
    of the log is a household, the volunteer's own entry, or a kind's shared object.
    """
    ids = list(versions)
    for chunk in _chunks(ids):
        await SyncChange.delete().where(
            (SyncChange.volunteer == volunteer_id)
            & SyncChange.household.is_in(chunk or [-1])
            & SyncChange.kind.not_in(list(OWN_KINDS))
        )
    await write(
        [Change(volunteer_id, "household", str(h), None, v, h) for h, v in versions.items()]
    )


async def household_changed(household_id: int) -> None:
    """A household's data changed: every volunteer paired with it gets the new state."""
    volunteers = (await paired_volunteers([household_id])).get(household_id, set())
    if not volunteers:
        return
    version, data = (await household_payloads([household_id]))[household_id]
    await write(
        [
            Change(v, "household", str(household_id), data, version, household_id)
            for v in sorted(volunteers)
        ]
    )


@dataclass(frozen=True)
class StoredEntry:
    """An entry just stored by the ingest path, as its author's phone lists it."""

    id: str
    kind: str
    schema: int
    recorded_at: str
    status: str
    flag: str
    data: dict[str, Any]
    household_id: int | None = None
    superseded_by: str | None = None
    """The correction that replaced or voided it, once one did."""
    voided: bool = False


def _entry_change(author_id: int, e: StoredEntry) -> Change:
    data = {
        "kind": e.kind,
        "schema": e.schema,
        "recorded_at": e.recorded_at,
        "status": e.status,
        "flag": e.flag,
        "household_id": None if e.household_id is None else str(e.household_id),
        "data": e.data,
        "superseded_by": e.superseded_by,
        "voided": e.voided,
    }
    return Change(author_id, "entry", e.id, data, 1, e.household_id)


async def entries_stored(
    author_id: int,
    entries: list[StoredEntry],
    shared: list[Shared],
    retracted: list[Shared] | None = None,
    rewritten: list[tuple[int, StoredEntry]] | None = None,
) -> None:
    """After an ingest: each entry for its author, and what the entries share (a visit)
    for every volunteer paired with its household.

    A correction also takes back what the entry it replaced had shared (``retracted``:
    tombstones, sent after ``shared``) and gives that entry's author its new state
    (``rewritten``: ``(author, entry)``), after the batch's own copies so it wins.
    """
    changes = [_entry_change(author_id, e) for e in entries]
    retracted = retracted or []
    paired = await paired_volunteers(sorted({s.household for s in (*shared, *retracted)}))
    for s in shared:
        for volunteer in sorted(paired.get(s.household, ())):
            changes.append(Change(volunteer, s.kind, s.object_id, s.data, 1, s.household))
    for s in retracted:
        for volunteer in sorted(paired.get(s.household, ())):
            changes.append(Change(volunteer, s.kind, s.object_id, None, 1, s.household))
    changes += [_entry_change(author, e) for author, e in rewritten or []]
    await write(changes)

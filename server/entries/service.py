"""The one ingest path: every entry, from a form or from a phone's outbox, goes through here.

An entry is stored at most once: its id is the primary key of ``entry`` and is
inserted with ``ON CONFLICT DO NOTHING`` in the same transaction as the event it
carries and its audit row. A second copy with the same content is a duplicate;
the same id with different content is refused, never overwritten.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from piccolo.table import Table

from server import scope
from server.accounts.tables import Account
from server.actor import Actor
from server.audit.tables import AuditLog
from server.db import insert_rows, write_transaction
from server.entries import household_patch
from server.entries.content_hash import canonical_hash
from server.entries.schemas import EntryIn, EntryResult, VisitV1
from server.entries.tables import Entry, EntryReceipt, Visit
from server.households import service as households
from server.i18n import N_, gettext
from server.sync import changelog

MESSAGES = {
    "invalid_entry": N_("This entry is malformed: {detail}"),
    "invalid_data": N_("This entry's content is not valid ({field})."),
    "too_long": N_("{field} is too long."),
    "unknown_kind": N_(
        "The server cannot take this kind of entry yet; it will be sent again later."
    ),
    "out_of_scope": N_("This household is not paired with you."),
    "id_reused": N_("This entry id was already used for different content."),
    "bad_time": N_("The time is not valid."),
    "visit_after_save": N_("The visit time is later than the time it was saved."),
    "visit_too_old": N_("The visit time is more than 60 days before it was saved."),
    "note_required": N_("Say what is urgently needed."),
    "follow_up_note_required": N_("Say what needs following up."),
    "unknown_companion": N_("A companion is not a known volunteer."),
    **household_patch.MESSAGES,
}
"""Stable codes and the message each one shows (a msgid of the catalogue)."""


def message(language: str, code: str, **params: object) -> str:
    """The message for ``code`` in ``language``."""
    return gettext(language, MESSAGES[code], **params)


def parse_time(value: str) -> dt.datetime | None:
    """An RFC 3339 time with an offset, else None."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo is not None else None


@dataclass
class Problem:
    """Why an entry cannot be stored: a stable code and the field it is about."""

    code: str
    field: str = ""


_PATH = re.compile(r"at `\$\.?([^`]*)`")


def _decode_problem(error: msgspec.ValidationError) -> Problem:
    match = _PATH.search(str(error))
    path = match.group(1) if match else ""
    code = "too_long" if "length <=" in str(error) else "invalid_data"
    return Problem(code, path)


@dataclass
class VisitCheck:
    """A decoded visit and the problems found in it."""

    visit: VisitV1 | None
    visited_at: dt.datetime | None = None
    companions: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


async def active_accounts(ids: set[int]) -> set[int]:
    """Which of ``ids`` are active accounts (one query for a whole batch)."""
    usable = [i for i in ids if 0 < i < 2**31]
    if not usable:
        return set()
    rows = await Account.select(Account.id).where(
        Account.id.is_in(usable) & (Account.active == True)  # noqa: E712
    )
    return {r["id"] for r in rows}


async def check_visit(
    data: dict[str, Any], recorded_at: dt.datetime, known_accounts: set[int] | None = None
) -> VisitCheck:
    """Decode and check ``visit`` schema 1 data (shared by the form and the sync path).

    ``known_accounts``: the active accounts among the batch's companions, when
    the caller looked them up for a whole batch at once.
    """
    try:
        visit = msgspec.convert(data, VisitV1)
    except msgspec.ValidationError as error:
        return VisitCheck(None, problems=[_decode_problem(error)])
    check = VisitCheck(visit)
    visited_at = parse_time(visit.visited_at) if visit.visited_at else recorded_at
    if visited_at is None:
        check.problems.append(Problem("bad_time", "visited_at"))
    elif visited_at > recorded_at + dt.timedelta(days=1):
        check.problems.append(Problem("visit_after_save", "visited_at"))
    elif visited_at < recorded_at - dt.timedelta(days=60):
        check.problems.append(Problem("visit_too_old", "visited_at"))
    check.visited_at = visited_at
    for area in households.NEED_AREAS:
        need = getattr(visit.needs, area)
        if need.level == "urgent" and not need.note.strip():
            check.problems.append(Problem("note_required", f"needs.{area}.note"))
    if visit.follow_up and not visit.follow_up_note.strip():
        check.problems.append(Problem("follow_up_note_required", "follow_up_note"))
    if visit.companions:
        try:
            ids = [int(c) for c in visit.companions]
        except ValueError:
            ids = []
        if known_accounts is None:
            known_accounts = await active_accounts(set(ids))
        if not ids or not set(ids) <= known_accounts:
            check.problems.append(Problem("unknown_companion", "companions"))
        check.companions = sorted(set(ids))
    return check


def _visit_row(entry_id: uuid.UUID, actor: Actor, check: VisitCheck) -> dict[str, Any]:
    visit = check.visit
    assert visit is not None and check.visited_at is not None
    needs = {area: getattr(visit.needs, area) for area in households.NEED_AREAS}
    location = visit.location
    return {
        "entry": entry_id,
        "household": int(visit.household_id),
        "volunteer": actor.id,
        "visited_at": check.visited_at.astimezone(dt.UTC),
        "companions": json.dumps(check.companions) if check.companions else "[]",
        "follow_up": visit.follow_up,
        "follow_up_note": visit.follow_up_note.strip(),
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "accuracy": location.accuracy if location else None,
        "voided": False,
        **{f"{a}_level": n.level for a, n in needs.items()},
        **{f"{a}_note": n.note.strip() for a, n in needs.items()},
    }


@dataclass
class Lookups:
    """What a batch's checks read from the database, read once for the whole batch."""

    scopes: scope.Scopes
    """Whether the actor may record entries about each household the batch names."""
    accounts: set[int]
    """The active accounts among the batch's visit companions."""


def _digits(value: Any) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


async def _lookups(actor: Actor, prepared: list[Prepared]) -> Lookups:
    household_ids: set[int] = set()
    companions: set[int] = set()
    for p in prepared:
        if p.result is None and p.entry is not None:
            if (household := _digits(p.entry.data.get("household_id"))) is not None:
                household_ids.add(household)
            named = p.entry.data.get("companions")
            for companion in named if isinstance(named, list) else ():
                if (account := _digits(companion)) is not None:
                    companions.add(account)
    return Lookups(
        await scope.recording_scopes(actor, household_ids), await active_accounts(companions)
    )


@dataclass
class Prepared:
    """An entry on its way in: decided early (``result``) or ready to store."""

    sent_id: str
    body: str
    entry: EntryIn | None = None
    entry_id: uuid.UUID | None = None
    recorded_at: dt.datetime | None = None
    content_hash: str = ""
    flag: str = ""
    rows: list[tuple[type[Table], dict[str, Any]]] = field(default_factory=list)
    """Event rows to insert with the entry: (table, column values)."""
    result: EntryResult | None = None
    lookups: Lookups | None = None
    """The batch's lookups, for the kind's checks."""
    apply: Callable[[str, str], Awaitable[EntryResult | None]] | None = None
    """Runs in the write transaction once the entry is stored (device id, language);
    may turn ``accepted`` into ``conflict``."""


def _problem_result(language: str, sent_id: str, problem: Problem) -> EntryResult:
    text = message(language, problem.code, field=problem.field or "data", detail=problem.field)
    return EntryResult(id=sent_id, status="rejected", code=problem.code, error=text)


def _envelope(raw: Any, language: str) -> Prepared:
    sent_id = str(raw.get("id", ""))[:64] if isinstance(raw, dict) else ""
    prepared = Prepared(sent_id=sent_id, body=json.dumps(raw, ensure_ascii=False))
    try:
        entry = msgspec.convert(raw, EntryIn)
        entry_id = uuid.UUID(entry.id)
    except (msgspec.ValidationError, ValueError) as error:
        detail = (
            _decode_problem(error).field if isinstance(error, msgspec.ValidationError) else "id"
        )
        prepared.result = EntryResult(
            id=sent_id,
            status="rejected",
            code="invalid_entry",
            error=message(language, "invalid_entry", detail=detail or "entry"),
        )
        return prepared
    prepared.entry, prepared.entry_id = entry, entry_id
    recorded_at = parse_time(entry.recorded_at)
    if (entry.kind, entry.schema) not in KINDS:
        prepared.result = EntryResult(
            id=sent_id, status="retry", code="unknown_kind", error=message(language, "unknown_kind")
        )
        return prepared
    if recorded_at is None:
        prepared.result = _problem_result(language, sent_id, Problem("bad_time", "recorded_at"))
        return prepared
    prepared.recorded_at = recorded_at
    prepared.content_hash = canonical_hash(entry.kind, entry.schema, entry.recorded_at, entry.data)
    return prepared


async def _prepare(actor: Actor, raw_entries: list[Any], language: str) -> list[Prepared]:
    """Decode every entry, read what their checks need in one go, then check each."""
    prepared = [_envelope(raw, language) for raw in raw_entries]
    lookups = await _lookups(actor, prepared)
    for p in prepared:
        if p.result is None:
            assert p.entry is not None
            p.lookups = lookups
            problem = await KINDS[(p.entry.kind, p.entry.schema)](actor, p)
            if problem is not None:
                p.result = _problem_result(language, p.sent_id, problem)
    return prepared


async def _prepare_visit(actor: Actor, prepared: Prepared) -> Problem | None:
    lookups = prepared.lookups
    assert prepared.entry is not None and prepared.recorded_at is not None and lookups is not None
    check = await check_visit(prepared.entry.data, prepared.recorded_at, lookups.accounts)
    if check.problems:
        return check.problems[0]
    assert check.visit is not None
    scope = lookups.scopes.of(int(check.visit.household_id), prepared.recorded_at)
    if scope == "out":
        return Problem("out_of_scope", "household_id")
    if scope == "flag":
        prepared.flag = "pairing_ended"
    assert prepared.entry_id is not None
    prepared.rows = [(Visit, _visit_row(prepared.entry_id, actor, check))]
    return None


KINDS = {("visit", 1): _prepare_visit, ("household_patch", 1): household_patch.prepare}
"""Every (kind, schema) this server stores, and how each is checked and turned into rows."""


async def ingest(
    actor: Actor,
    raw_entries: list[Any],
    language: str,
    device_id: str = "",
    then: Callable[[list[EntryResult]], Awaitable[None]] | None = None,
) -> list[EntryResult]:
    """Store a batch of entries exactly once; one result per entry, in order.

    ``then`` runs inside the same write transaction once the results are known
    (the push records its device and extends its session there: one commit a batch).
    """
    prepared = await _prepare(actor, raw_entries, language)
    async with write_transaction():
        await _store(actor, prepared, language, device_id)
        await insert_rows(
            EntryReceipt,
            [
                {
                    "entry_id": p.sent_id,
                    "account": actor.id,
                    "device_id": device_id,
                    "status": p.result.status if p.result else "rejected",
                    "code": p.result.code if p.result else "",
                    "body": p.body,
                }
                for p in prepared
            ],
        )
        results = [p.result for p in prepared if p.result is not None]
        if then is not None:
            await then(results)
    return results


async def _store(actor: Actor, prepared: list[Prepared], language: str, device_id: str) -> None:
    candidates = [p for p in prepared if p.result is None]
    first: dict[uuid.UUID, Prepared] = {}
    for p in candidates:
        assert p.entry_id is not None
        first.setdefault(p.entry_id, p)
    # Ids in one order for every batch: two batches sharing entries then wait for
    # each other on PostgreSQL's unique key instead of deadlocking.
    rows = await insert_rows(
        Entry,
        [_entry_row(actor, first[i], device_id) for i in sorted(first)],
        on_conflict=Entry.id,
        returning=Entry.id,
    )
    inserted = {uuid.UUID(str(r["id"])) for r in rows}
    stored = await _stored_hashes([i for i in first if i not in inserted])
    events: list[tuple[type[Table], dict[str, Any]]] = []
    audits = []
    for p in candidates:
        assert p.entry_id is not None and p.entry is not None
        if first[p.entry_id] is p and p.entry_id in inserted:
            p.result = EntryResult(id=p.sent_id, status="accepted")
            if p.apply is not None:
                p.result = await p.apply(device_id, language) or p.result
            events.extend(p.rows)
            audits.append(_audit_row(actor, p))
            continue
        earlier = stored.get(p.entry_id) or first[p.entry_id].content_hash
        if earlier == p.content_hash:
            p.result = EntryResult(id=p.sent_id, status="duplicate")
        else:
            p.result = _problem_result(language, p.sent_id, Problem("id_reused", "id"))
    for table in {table for table, _ in events}:
        await insert_rows(table, [values for t, values in events if t is table])
    await insert_rows(AuditLog, audits)
    stored = [p for p in candidates if p.result and p.result.status in ("accepted", "conflict")]
    await changelog.entries_stored(
        actor.id,
        actor.display_name,
        [_stored_entry(p) for p in stored],
        [values for table, values in events if table is Visit],
    )


def _stored_entry(p: Prepared) -> changelog.StoredEntry:
    assert p.entry is not None and p.result is not None
    household = p.entry.data.get("household_id")
    return changelog.StoredEntry(
        id=str(p.entry_id),
        kind=p.entry.kind,
        schema=p.entry.schema,
        recorded_at=p.entry.recorded_at,
        status=p.result.status,
        flag=p.flag,
        data=p.entry.data,
        household_id=int(household) if isinstance(household, str) and household.isdigit() else None,
    )


def _entry_row(actor: Actor, p: Prepared, device_id: str) -> dict[str, Any]:
    assert p.entry is not None
    return {
        "id": p.entry_id,
        "account": actor.id,
        "device_id": device_id,
        "kind": p.entry.kind,
        "schema": p.entry.schema,
        "recorded_at": p.entry.recorded_at,
        "content_hash": p.content_hash,
        "body": p.body,
        "status": "accepted",
        "flag": p.flag,
    }


_JSON = msgspec.json.Encoder()
"""Compact JSON for the audit row's copy of the data, several times faster than ``json``."""


def _audit_row(actor: Actor, p: Prepared) -> dict[str, Any]:
    """The entry's audit row (as ``audit.row`` makes it, the data as compact JSON)."""
    assert p.entry is not None
    return {
        "actor": actor.id,
        "action": f"{p.entry.kind}.create",
        "table_name": "entry",
        "row_id": str(p.entry_id),
        "before": None,
        "after": _JSON.encode(p.entry.data).decode(),
    }


async def _stored_hashes(ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = await Entry.select(Entry.id, Entry.content_hash).where(Entry.id.is_in(ids))
    return {uuid.UUID(str(r["id"])): r["content_hash"] for r in rows}

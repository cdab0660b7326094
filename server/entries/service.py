"""The one ingest path: every entry, from a form or from a phone's outbox, goes through here.

An entry is stored at most once: its id is the primary key of ``entry`` and is
inserted with ``ON CONFLICT DO NOTHING`` in the same transaction as the event it
carries and its audit row. A second copy with the same content is a duplicate;
the same id with different content is refused, never overwritten.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from piccolo.table import Table

from server import scope
from server.actor import Actor
from server.audit.tables import AuditLog
from server.db import insert_rows, write_transaction
from server.entries import attachment_checks
from server.entries import prepared as entry
from server.entries.chains import CORRECTION, Link
from server.entries.content_hash import canonical_hash
from server.entries.kinds import correction, registry, visit_tally
from server.entries.kinds.visit import active_accounts
from server.entries.prepared import (
    Lookups,
    Prepared,
    Problem,
    decode_problem,
    id_of,
    shape_problem,
)
from server.entries.schemas import EntryIn, EntryResult
from server.entries.tables import Entry, EntryReceipt
from server.i18n import gettext
from server.notify import jobs, triggers
from server.sync import changelog
from server.sync.tables import Device
from server.wire import parse_time

MESSAGES = {**entry.MESSAGES, **attachment_checks.MESSAGES, **registry.MESSAGES}
"""Stable codes and the message each one shows (a msgid of the catalogue)."""


def message(language: str, code: str, **params: object) -> str:
    """The message for ``code`` in ``language``."""
    return gettext(language, MESSAGES[code], **params)


async def _clock_offset(device_id: str, measured: int | None) -> int:
    """``measured`` (this sync's), else what the device's last sync measured, else 0."""
    if measured is not None or not device_id:
        return measured or 0
    row = await Device.select(Device.clock_offset_ms).where(Device.device_id == device_id).first()
    return row["clock_offset_ms"] if row else 0


def _values(p: Prepared, held: dict[uuid.UUID, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The values an entry's checks read: its data, a correction's new values, and those
    of corrections held for it."""
    assert p.entry is not None
    values = [p.entry.data]
    bodies = [r["body"] for r in held.get(p.entry_id, [])] if p.entry_id else []
    for body in bodies:
        sent, _ = _decoded(msgspec.Raw(body.encode()))
        if isinstance(sent, dict) and isinstance(sent.get("data"), dict):
            values.append(sent["data"])
    for value in list(values):
        if isinstance(value.get("data"), dict):
            values.append(value["data"])
    return values


async def _lookups(
    actor: Actor, prepared: list[Prepared], held: dict[uuid.UUID, list[dict[str, Any]]]
) -> Lookups:
    household_ids: set[int] = set()
    companions: set[int] = set()
    for p in prepared:
        if p.result is not None or p.entry is None:
            continue
        for data in _values(p, held):
            if (household := id_of(data.get("household_id"))) is not None:
                household_ids.add(household)
            named = data.get("companions")
            for companion in named if isinstance(named, list) else ():
                if (account := id_of(companion)) is not None:
                    companions.add(account)
    lookups = Lookups(
        await scope.recording_scopes(actor, household_ids), await active_accounts(companions)
    )
    named: dict[Any, list[dict[str, Any]]] = {}
    for p in prepared:
        if p.result is None and p.entry is not None:
            preload = registry.KINDS[(p.entry.kind, p.entry.schema)].preload
            if preload is not None:
                named.setdefault(preload, []).append(p.entry.data)
    for preload, datas in named.items():
        lookups.extra[preload] = await preload(datas)
    return lookups


def _problem_result(language: str, sent_id: str, problem: Problem) -> EntryResult:
    text = message(language, problem.code, field=problem.field or "data", detail=problem.field)
    return EntryResult(id=sent_id, status="rejected", code=problem.code, error=text)


def _decoded(raw: Any) -> tuple[Any, str]:
    """An entry as a value and as the text to keep: a push's entries arrive as raw JSON
    (``msgspec.Raw``, each decoded alone so one bad entry stays one bad entry), a form's
    and an import's as values."""
    if isinstance(raw, msgspec.Raw):
        text = bytes(raw).decode()
        try:
            return msgspec.json.decode(raw), text
        except (msgspec.DecodeError, RecursionError):
            return None, text
    try:
        return raw, json.dumps(raw, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        return raw, ""


def _envelope(raw: Any, language: str) -> Prepared:
    value, body = _decoded(raw)
    sent_id = str(value.get("id", ""))[:64].replace("\x00", "") if isinstance(value, dict) else ""
    prepared = Prepared(sent_id=sent_id, body=body)
    problem = shape_problem(value)
    if problem is not None:
        prepared.result = _problem_result(language, sent_id, problem)
        return prepared
    try:
        entry = msgspec.convert(value, EntryIn)
        entry_id = uuid.UUID(entry.id)
    except (msgspec.ValidationError, ValueError) as error:
        detail = decode_problem(error).field if isinstance(error, msgspec.ValidationError) else "id"
        prepared.result = EntryResult(
            id=sent_id,
            status="rejected",
            code="invalid_entry",
            error=message(language, "invalid_entry", detail=detail or "entry"),
        )
        return prepared
    prepared.entry, prepared.entry_id = entry, entry_id
    recorded_at = parse_time(entry.recorded_at)
    if (entry.kind, entry.schema) not in registry.KINDS:
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


async def _prepare(
    actor: Actor,
    raw_entries: list[Any],
    language: str,
    required: frozenset[str],
    device_id: str,
    offset: int | None,
) -> list[Prepared]:
    """Decode every entry, read what their checks need in one go, then check each."""
    prepared = [_envelope(raw, language) for raw in raw_entries]
    held = await correction.held_for([p.entry_id for p in prepared if p.entry_id and not p.result])
    lookups = await _lookups(actor, prepared, held)
    lookups.clock_offset_ms = await _clock_offset(device_id, offset)
    for p in prepared:
        if p.result is None:
            assert p.entry is not None
            p.lookups = lookups
            kind = registry.KINDS[(p.entry.kind, p.entry.schema)]
            problem = await kind.prepare(actor, p) or attachment_checks.check(kind, p, required)
            if problem is not None:
                p.result = _problem_result(language, p.sent_id, problem)
                continue
            assert p.entry_id is not None
            if p.entry.kind != CORRECTION:
                # A correction later in the batch finds it.
                link = Link(p.entry_id, actor.id, p.entry.kind, p.entry.schema, p.entry.data)
                lookups.chains.arrive(link)
            if p.entry_id in held:
                for row in held[p.entry_id]:
                    await correction.apply_held(registry.KINDS, actor, p, row)
    return prepared


async def ingest(
    actor: Actor,
    raw_entries: list[Any],
    language: str,
    device_id: str = "",
    then: Callable[[list[EntryResult]], Awaitable[None]] | None = None,
    required_attachments: frozenset[str] = frozenset(),
    clock_offset_ms: int | None = None,
) -> list[EntryResult]:
    """Store a batch of entries exactly once; one result per entry, in order.

    ``then`` runs inside the same write transaction once the results are known
    (the push records its device and extends its session there: one commit a batch).
    ``required_attachments``: the file names an entry must list when its kind takes
    them (the deployment's ``Settings.required_attachments``). ``clock_offset_ms``: the
    device's clock offset this sync measured (else the one its last sync did).
    """
    prepared = await _prepare(
        actor, raw_entries, language, required_attachments, device_id, clock_offset_ms
    )
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
    jobs.wake()  # committed: doorbells the batch scheduled can ring now
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
    accepted: list[Prepared] = []
    for p in candidates:
        assert p.entry_id is not None and p.entry is not None
        if first[p.entry_id] is p and p.entry_id in inserted:
            p.result = EntryResult(id=p.sent_id, status="accepted")
            accepted.append(p)
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
    # In capture order, once every row of the batch is in: a correction links (and a void
    # marks) an entry sent earlier in the same batch.
    for p in accepted:
        if p.apply is not None:
            p.result = await p.apply(device_id, language) or p.result
    await _after_stored(accepted)
    # The summaries the dashboard and 户户走到 read, made again for every household whose
    # visits the batch wrote, replaced or voided (its corrections' targets included).
    touched = [p.entry_id for p in accepted] + [p.supersedes for p in accepted]
    touched += [r.id for p in accepted for _, r in p.rewritten]
    await visit_tally.refresh_entries(touched)
    await _to_review(accepted)
    await changelog.entries_stored(
        actor.id,
        [_stored_entry(p) for p in accepted],
        [s for p in accepted for s in p.shared],
        [s for p in accepted for s in p.retracted],
        [r for p in accepted for r in p.rewritten],
    )


def _urgent(p: Prepared) -> bool:
    """A visit naming an urgent need (急需)."""
    assert p.entry is not None
    needs = p.entry.data.get("needs") if p.entry.kind == "visit" else None
    areas = needs.values() if isinstance(needs, dict) else ()
    return any(isinstance(n, dict) and n.get("level") == "urgent" for n in areas)


async def _to_review(stored: list[Prepared]) -> None:
    """Coordinators hear of the batch's flagged entries and urgent needs (their doorbells)."""
    flagged: dict[str, int] = {}
    urgent: dict[str, int] = {}
    for p in stored:
        assert p.entry is not None
        household = id_of(p.entry.data.get("household_id"))
        if household is None:
            continue
        if p.flag:
            flagged[str(p.entry_id)] = household
        if _urgent(p):
            urgent[str(p.entry_id)] = household
    await triggers.entries_to_review(flagged, urgent)


async def _after_stored(stored: list[Prepared]) -> None:
    """Each kind's ``stored`` hook, once, with that kind's entries of the batch and its
    corrections (whose new values are rows of the kind they correct: each hook reads only
    its own tables' rows)."""
    by_kind: dict[tuple[str, int], list[Prepared]] = {}
    corrections: list[Prepared] = []
    for p in stored:
        assert p.entry is not None
        if p.entry.kind == CORRECTION:
            corrections.append(p)
        else:
            by_kind.setdefault((p.entry.kind, p.entry.schema), []).append(p)
    for key, kind in registry.KINDS.items():
        kept = by_kind.get(key, [])
        if kind.stored is not None and (kept or corrections):
            await kind.stored(kept + corrections)


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
        household_id=id_of(household),
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
        "supersedes": p.supersedes,
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

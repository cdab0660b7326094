"""``correction`` (schema 1): replaces an earlier entry with new values, or voids it.

A synced entry is never edited in place. A correction names the entry it ``supersedes``
and either carries new ``data`` (checked by that entry's own kind, as a new entry of it
would be) or ``null`` with a ``reason`` (a void). The server links the chain
(``server/entries/chains.py``): the corrected entry keeps its rows and gets
``superseded_by``; only the latest entry of a chain counts, a voided chain nothing.

- A volunteer corrects only their own entries; a coordinator may void any entry about a
  household of their areas (``scope.may_correct``); each link is audited.
- A correction of an entry already corrected applies to the latest entry of its chain.
- A correction that arrives before its entry (two phones, or a re-sync after a restore)
  is stored and held; storing the entry then applies it in the same transaction, so the
  end state does not depend on the order they arrived in.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from server import scope
from server.actor import Actor
from server.audit import service as audit
from server.entries import chains
from server.entries.chains import CORRECTION, Link
from server.entries.kinds.base import Kind
from server.entries.prepared import Prepared, Problem, decode_problem, id_of
from server.entries.schemas import EntryIn, EntryResult
from server.entries.tables import Entry
from server.i18n import N_
from server.sync.changelog import StoredEntry
from server.wire import parse_time

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

MESSAGES = {
    "correction_not_own": N_("You can correct only your own entries."),
    "correction_out_of_area": N_("This entry is about a household outside your areas."),
    "correction_voided": N_("This entry was voided; it cannot be corrected any more."),
    "not_correctable": N_("This kind of entry cannot be corrected; record a new one instead."),
    "reason_required": N_("Say why this entry is voided."),
}
"""The codes this kind adds (the new values' own codes are their kind's)."""


class CorrectionV1(Struct, forbid_unknown_fields=True):
    """``correction`` schema 1: ``data`` replaces the values of the entry it ``supersedes``
    (as that entry's kind takes them); ``null`` voids it, with a ``reason``."""

    supersedes: Annotated[str, Meta(pattern=UUID_PATTERN)]
    """The id of the entry replaced (any entry of its chain: the latest one is meant)."""
    data: dict[str, Any] | None
    reason: Annotated[str, Meta(max_length=500)] = ""
    """Why it is corrected; required for a void."""


Kinds = Mapping[tuple[str, int], Kind]


def kind(kinds: Kinds) -> Kind:
    """The ``correction`` kind, checking new values with the kinds of ``kinds`` (the
    registry, which lists this kind too)."""
    return Kind(CORRECTION, 1, CorrectionV1, functools.partial(prepare, kinds), MESSAGES, SAMPLE)


def decode(data: Mapping[str, Any]) -> CorrectionV1 | None:
    """A correction's data, or None when it is not one."""
    try:
        return msgspec.convert(data, CorrectionV1)
    except msgspec.ValidationError:
        return None


async def prepare(kinds: Kinds, actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a correction against the latest entry of the chain it names; one naming an
    entry not stored yet is held (stored, applied when that entry arrives)."""
    assert prepared.entry is not None and prepared.lookups is not None
    try:
        correction = msgspec.convert(prepared.entry.data, CorrectionV1)
    except msgspec.ValidationError as error:
        return decode_problem(error)
    target = uuid.UUID(correction.supersedes)
    if target == prepared.entry_id:
        return Problem("invalid_data", "supersedes")
    if correction.data is None and not correction.reason.strip():
        return Problem("reason_required", "reason")
    prepared.supersedes = target
    if await Entry.exists().where(Entry.id == prepared.entry_id):
        return None  # sent before: the ingest answers duplicate (or id_reused)
    head = await prepared.lookups.chains.head(target)
    if head is None:
        return None
    return await against(kinds, actor, prepared, correction, head)


async def against(
    kinds: Kinds,
    actor: Actor,
    prepared: Prepared,
    correction: CorrectionV1,
    head: Link,
    into: Prepared | None = None,
) -> Problem | None:
    """Fill in what applying ``correction`` (the entry ``prepared``) to ``head`` stores,
    or say why it may not: its rows, what pull sends and takes back, and the link. It all
    goes ``into`` the entry being stored now: the correction, or (a held one) its target."""
    assert prepared.entry_id is not None and prepared.lookups is not None
    into = into or prepared
    base = kinds.get((head.kind, head.schema))
    if base is None or base.corrections is None:
        return Problem("not_correctable", "supersedes")
    if head.voided:
        return Problem("correction_voided", "supersedes")
    voiding = correction.data is None
    if not await scope.may_correct(actor, head.account, id_of(head.household_id), voiding):
        code = (
            "correction_out_of_area" if actor.is_coordinator and voiding else "correction_not_own"
        )
        return Problem(code, "supersedes")
    if correction.data is not None:
        assert prepared.entry is not None and prepared.recorded_at is not None
        replacement = Prepared(
            sent_id=prepared.sent_id,
            body=prepared.body,
            entry=EntryIn(
                id=prepared.entry.id,
                kind=head.kind,
                schema=head.schema,
                recorded_at=prepared.entry.recorded_at,
                data=correction.data,
            ),
            entry_id=prepared.entry_id,
            recorded_at=prepared.recorded_at,
            lookups=prepared.lookups,
        )
        problem = await base.prepare(actor, replacement)
        if problem is not None:
            return Problem(problem.code, f"data.{problem.field}" if problem.field else "data")
        into.rows += replacement.rows
        into.shared += replacement.shared
        # A kind deciding something in the write transaction (a sign-up's place) decides
        # it for the new values too, before the link re-decides the old ones.
        into.apply = _then(into.apply, replacement.apply)
        if into is prepared:
            prepared.flag = ",".join(f for f in (prepared.flag, replacement.flag) if f)
        prepared.lookups.chains.add(
            Link(prepared.entry_id, head.account, head.kind, head.schema, correction.data)
        )
    if not voiding or base.corrections.void is None:
        into.retracted += base.corrections.retract(str(head.id), head.data)
    # The batch's view of the chain: a later correction in it applies to this one.
    head.superseded_by, head.voided = prepared.entry_id, voiding
    link = functools.partial(_link, actor, base, head.id, prepared.entry_id, into, voiding)
    into.apply = _then(into.apply, link)
    return None


def _then(first: Any, second: Any) -> Any:
    """Two ``apply`` steps in order (an entry that arrives with a correction held for it)."""
    if first is None:
        return second

    async def both(device_id: str, language: str) -> EntryResult | None:
        result = await first(device_id, language)
        return await second(device_id, language) or result

    return both


async def _link(
    actor: Actor,
    base: Kind,
    target: uuid.UUID,
    correction: uuid.UUID,
    prepared: Prepared,
    voiding: bool,
    device_id: str,
    language: str,
) -> EntryResult | None:
    """In the write transaction: the chain's new link, its audit row, and what the phones
    of the corrected entry's author and household now hold of it."""
    await Entry.update({Entry.superseded_by: correction, Entry.voided: voiding}).where(
        Entry.id == target
    )
    row = await Entry.select().where(Entry.id == target).first()
    assert row is not None and base.corrections is not None
    action = "entry.void" if voiding else "entry.supersede"
    after = {"superseded_by": str(correction), "voided": voiding}
    await audit.record(actor.id, action, "entry", target, {"superseded_by": None}, after)
    if voiding and base.corrections.void is not None:
        prepared.shared += await base.corrections.void(str(target))
    data = chains.entry_data(row["body"])
    if base.corrections.relinked is not None:
        await base.corrections.relinked(row["account"], data)
    prepared.rewritten.append(
        (
            row["account"],
            StoredEntry(
                id=str(target),
                kind=row["kind"],
                schema=row["schema"],
                recorded_at=row["recorded_at"],
                status=row["status"],
                flag=row["flag"],
                data=data,
                household_id=id_of(data.get("household_id")),
                superseded_by=str(correction),
                voided=voiding,
            ),
        )
    )
    return None


# --- corrections that arrived before their entry ------------------------------------


async def held_for(entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Corrections stored before the entry they name, for those of ``entry_ids`` not
    stored yet: ``{entry id: [correction rows, in arrival order]}``. One indexed query a
    batch; none match in the usual case."""
    held: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for start in range(0, len(entry_ids), 5000):
        chunk = entry_ids[start : start + 5000]
        rows = (
            await Entry.select(
                Entry.id,
                Entry.account,
                Entry.body,
                Entry.supersedes,
                Entry.recorded_at,
                Entry.superseded_by,
            )
            .where(Entry.supersedes.is_in(chunk) & (Entry.kind == CORRECTION))
            .order_by(Entry.received_at)
        )
        for row in rows:
            held.setdefault(uuid.UUID(str(row["supersedes"])), []).append(row)
    if held:
        stored = await Entry.select(Entry.id).where(Entry.id.is_in(list(held)))
        for row in stored:
            held.pop(uuid.UUID(str(row["id"])), None)
    return held


async def apply_held(kinds: Kinds, actor: Actor, prepared: Prepared, held: dict[str, Any]) -> None:
    """The entry ``prepared`` arrives after a correction of it (``held``, a stored row):
    store the correction's effect with it, as if it had come second. Only its author's
    own corrections apply (nobody else could have seen the entry before it arrived);
    one whose values its kind now refuses stays held, and the entry counts as sent: the
    correction is then flagged ``correction_refused`` (我的记录 and the review lists say
    so), never held silently."""
    assert prepared.entry is not None and prepared.entry_id is not None
    assert prepared.lookups is not None
    sent = msgspec.json.decode(held["body"]) if held["body"] else {}
    correction = decode(sent.get("data") or {}) if isinstance(sent, dict) else None
    recorded_at = parse_time(held["recorded_at"])
    if correction is None or recorded_at is None or held["account"] != actor.id:
        return
    head = await prepared.lookups.chains.head(prepared.entry_id)
    if head is None:
        return
    entry_id = uuid.UUID(str(held["id"]))
    stand_in = Prepared(
        sent_id=str(entry_id),
        body=held["body"],
        entry=EntryIn(
            id=str(entry_id),
            kind=CORRECTION,
            schema=1,
            recorded_at=held["recorded_at"],
            data=sent["data"],
        ),
        entry_id=entry_id,
        recorded_at=recorded_at,
        lookups=prepared.lookups,
    )
    problem = await against(kinds, actor, stand_in, correction, head, into=prepared)
    if problem is not None:
        refused = functools.partial(_refused, actor, entry_id, problem.code, prepared)
        prepared.apply = _then(prepared.apply, refused)


async def _refused(
    actor: Actor,
    correction: uuid.UUID,
    code: str,
    prepared: Prepared,
    device_id: str,
    language: str,
) -> EntryResult | None:
    """In the write transaction: flag the held ``correction`` (audited with the ``code``
    its new values were refused with) and send its author's phone the flagged entry."""
    row = await Entry.select().where(Entry.id == correction).first()
    if row is None or chains.REFUSED in row["flag"].split(","):
        return None
    flag = ",".join(f for f in (row["flag"], chains.REFUSED) if f)
    await Entry.update({Entry.flag: flag}).where(Entry.id == correction)
    after = {"flag": flag, "code": code}
    await audit.record(actor.id, "entry.flag", "entry", correction, {"flag": row["flag"]}, after)
    data = chains.entry_data(row["body"])
    prepared.rewritten.append(
        (
            row["account"],
            StoredEntry(
                id=str(correction),
                kind=row["kind"],
                schema=row["schema"],
                recorded_at=row["recorded_at"],
                status=row["status"],
                flag=flag,
                data=data,
                household_id=None,
                superseded_by=None,
                voided=False,
            ),
        )
    )
    return None


SAMPLE = {
    "id": "5d2b8e41-7c3a-4f9e-b1d6-8a0c4e2f6b93",
    "kind": "correction",
    "schema": 1,
    "recorded_at": "2026-11-20T18:15:02.114+08:00",
    "data": {
        "supersedes": "3f9c2a4e-8b1d-4c7a-9e52-6d0b7f1a2c84",
        "data": {
            "household_id": "1024",
            "visited_at": "2026-11-20T10:05:00+08:00",
            "needs": {
                "health": {"level": "some", "note": "降压药还够半个月"},
                "training": {"level": "none", "note": ""},
                "livelihood": {"level": "some", "note": "想养土鸡，缺少鸡苗"},
                "work_school": {"level": "none", "note": ""},
            },
        },
        "reason": "健康需求记错了",
    },
    "attachments": [],
}

"""``visit`` (schema 1): a household visit (户次), its need areas, and what pull sends of it.

Everything about a visit lives here: its table, the data a phone sends, the checks
and their codes, the row an accepted visit writes, and the copy each volunteer
paired with the household pulls (so the history stays visible offline).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct
from piccolo.columns import Boolean, Float, ForeignKey, Text, Timestamptz, Varchar
from piccolo.table import Table

from server.accounts.tables import Account
from server.actor import Actor
from server.entries import chains
from server.entries.kinds.base import PHOTO, Corrections, Kind, Listed
from server.entries.prepared import Prepared, Problem, decode_problem
from server.entries.tables import Entry
from server.followups import corrected, opening
from server.followups import pulled as followups_pulled
from server.households.tables import Household
from server.i18n import N_
from server.sync.changelog import Shared
from server.wire import parse_time

NEED_AREAS = ("health", "training", "livelihood", "work_school")
"""身体健康, 就业培训, 产业发展, 务工就学: the four areas every visit answers."""
RECENT = 20
"""Visits of a household a volunteer's phone keeps (sent when the household is paired)."""

MESSAGES = {
    "visit_after_save": N_("The visit time is later than the time it was saved."),
    "visit_too_old": N_("The visit time is more than 60 days before it was saved."),
    "note_required": N_("Say what is urgently needed."),
    "follow_up_note_required": N_("Say what needs following up."),
    "unknown_companion": N_("A companion is not a known volunteer."),
}
"""The codes this kind adds to the ingest path's."""


class Visit(Table):
    """A household visit (户次); companions make it one visit, not several."""

    entry = ForeignKey(references=Entry, unique=True)
    household = ForeignKey(references=Household, index=True)
    volunteer = ForeignKey(references=Account, index=True)
    visited_at = Timestamptz(index=True)
    companions = Text(default="[]")
    """JSON list of account ids who came along."""
    health_level = Varchar(length=8, default="none")
    health_note = Text(default="")
    training_level = Varchar(length=8, default="none")
    training_note = Text(default="")
    livelihood_level = Varchar(length=8, default="none")
    livelihood_note = Text(default="")
    work_school_level = Varchar(length=8, default="none")
    work_school_note = Text(default="")
    follow_up = Boolean(default=False)
    follow_up_note = Text(default="")
    lat = Float(null=True, default=None)
    lon = Float(null=True, default=None)
    accuracy = Float(null=True, default=None)
    voided = Boolean(default=False)
    """Set (with ``Entry.voided``) when a correction voids this visit; what counts is
    filtered with ``chains.latest(Visit.entry)``, never with this column."""


# --- the data a phone sends (public contract) ----------------------------------------

Note = Annotated[str, Meta(max_length=500)]
Level = Literal["none", "some", "urgent"]


class Need(Struct, forbid_unknown_fields=True):
    """One need area: 无需求 ``none``, 有需求 ``some`` or 急需 ``urgent``, with a note."""

    level: Level = "none"
    note: Note = ""


class Needs(Struct, forbid_unknown_fields=True):
    """身体健康, 就业培训, 产业发展, 务工就学."""

    health: Need = msgspec.field(default_factory=Need)
    training: Need = msgspec.field(default_factory=Need)
    livelihood: Need = msgspec.field(default_factory=Need)
    work_school: Need = msgspec.field(default_factory=Need)


class Location(Struct, forbid_unknown_fields=True):
    """Where the phone was, given only with the volunteer's consent."""

    lat: Annotated[float, Meta(ge=-90, le=90)]
    lon: Annotated[float, Meta(ge=-180, le=180)]
    accuracy: Annotated[float, Meta(ge=0, le=100_000)] | None = None


class VisitV1(Struct, forbid_unknown_fields=True):
    """``visit`` schema 1: a household visit."""

    household_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    needs: Needs = msgspec.field(default_factory=Needs)
    visited_at: Annotated[str, Meta(max_length=40)] | None = None
    """Defaults to the entry's ``recorded_at``."""
    companions: Annotated[list[Annotated[str, Meta(max_length=20)]], Meta(max_length=10)] = (
        msgspec.field(default_factory=list)
    )
    follow_up: bool = False
    follow_up_note: Note = ""
    location: Location | None = None


# --- checks --------------------------------------------------------------------------


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


async def check(
    data: dict[str, Any], recorded_at: dt.datetime, known_accounts: set[int] | None = None
) -> VisitCheck:
    """Decode and check ``visit`` schema 1 data (shared by the form and the sync path).

    ``known_accounts``: the active accounts among the batch's companions, when
    the caller looked them up for a whole batch at once.
    """
    try:
        visit = msgspec.convert(data, VisitV1)
    except msgspec.ValidationError as error:
        return VisitCheck(None, problems=[decode_problem(error)])
    result = VisitCheck(visit)
    visited_at = parse_time(visit.visited_at) if visit.visited_at else recorded_at
    if visited_at is None:
        result.problems.append(Problem("bad_time", "visited_at"))
    elif visited_at > recorded_at + dt.timedelta(days=1):
        result.problems.append(Problem("visit_after_save", "visited_at"))
    elif visited_at < recorded_at - dt.timedelta(days=60):
        result.problems.append(Problem("visit_too_old", "visited_at"))
    result.visited_at = visited_at
    for area in NEED_AREAS:
        need = getattr(visit.needs, area)
        if need.level == "urgent" and not need.note.strip():
            result.problems.append(Problem("note_required", f"needs.{area}.note"))
    if visit.follow_up and not visit.follow_up_note.strip():
        result.problems.append(Problem("follow_up_note_required", "follow_up_note"))
    if visit.companions:
        try:
            ids = [int(c) for c in visit.companions]
        except ValueError:
            ids = []
        if known_accounts is None:
            known_accounts = await active_accounts(set(ids))
        if not ids or not set(ids) <= known_accounts:
            result.problems.append(Problem("unknown_companion", "companions"))
        result.companions = sorted(set(ids))
    return result


# --- what it writes, and what pull sends ------------------------------------------


def row(entry_id: uuid.UUID, actor: Actor, checked: VisitCheck) -> dict[str, Any]:
    """The ``visit`` row of an accepted visit."""
    visit = checked.visit
    assert visit is not None and checked.visited_at is not None
    needs = {area: getattr(visit.needs, area) for area in NEED_AREAS}
    location = visit.location
    return {
        "entry": entry_id,
        "household": int(visit.household_id),
        "volunteer": actor.id,
        "visited_at": checked.visited_at.astimezone(dt.UTC),
        "companions": json.dumps(checked.companions) if checked.companions else "[]",
        "follow_up": visit.follow_up,
        "follow_up_note": visit.follow_up_note.strip(),
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "accuracy": location.accuracy if location else None,
        "voided": False,
        **{f"{a}_level": n.level for a, n in needs.items()},
        **{f"{a}_note": n.note.strip() for a, n in needs.items()},
    }


def needs_of(visit: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The four need areas of a visit row as ``{area: {level, note}}``."""
    return {
        area: {"level": visit[f"{area}_level"], "note": visit[f"{area}_note"]}
        for area in NEED_AREAS
    }


def _time(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.datetime) else str(value)


def pulled(visit: dict[str, Any], volunteer_name: str) -> Shared:
    """A visit row as every phone keeping its household's history pulls it."""
    companions = visit["companions"]
    data = {
        "household_id": str(visit["household"]),
        "volunteer_id": visit["volunteer"],
        "volunteer": volunteer_name,
        "visited_at": _time(visit["visited_at"]),
        "companions": json.loads(companions) if isinstance(companions, str) else companions,
        "needs": needs_of(visit),
        "follow_up": visit["follow_up"],
        "follow_up_note": visit["follow_up_note"],
        "voided": visit["voided"],
    }
    return Shared("visit", str(visit["entry"]), visit["household"], data)


async def history(household_ids: list[int]) -> list[Shared]:
    """The latest ``RECENT`` visits of each household, as pull sends them, and the open
    follow-ups those visits reported."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(household_ids), 5000):
        chunk = household_ids[start : start + 5000]
        rows += (
            await Visit.select(Visit.all_columns(), Visit.volunteer.display_name)
            .where(Visit.household.is_in(chunk) & chains.shown(Visit.entry))
            .order_by(Visit.visited_at, ascending=False)
        )
    kept: dict[int, int] = defaultdict(int)
    recent = []
    for visit in rows:
        if kept[visit["household"]] < RECENT:
            kept[visit["household"]] += 1
            recent.append(pulled(visit, visit["volunteer.display_name"]))
    return recent + await followups_pulled.history(household_ids)


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a visit against the batch's lookups; an accepted one writes its ``visit`` row."""
    lookups = prepared.lookups
    assert prepared.entry is not None and prepared.recorded_at is not None and lookups is not None
    checked = await check(prepared.entry.data, prepared.recorded_at, lookups.accounts)
    if checked.problems:
        return checked.problems[0]
    assert checked.visit is not None and prepared.entry_id is not None
    scope = lookups.scopes.of(int(checked.visit.household_id), prepared.recorded_at)
    if scope == "out":
        return Problem("out_of_scope", "household_id")
    if scope == "flag":
        prepared.flag = "pairing_ended"
    visit_row = row(prepared.entry_id, actor, checked)
    prepared.rows = [(Visit, visit_row)]
    prepared.shared = [pulled(visit_row, actor.display_name)]
    return None


def reported(visit: dict[str, Any]) -> opening.Reported:
    """What a visit row says about follow-ups: urgent areas and its follow-up flag open
    items, areas recorded as ``none`` resolve them."""
    opens = {a: visit[f"{a}_note"] for a in NEED_AREAS if visit[f"{a}_level"] == "urgent"}
    if visit["follow_up"]:
        opens[opening.GENERAL] = visit["follow_up_note"]
    resolves = frozenset(a for a in NEED_AREAS if visit[f"{a}_level"] == "none")
    return opening.Reported(
        visit["entry"], visit["household"], visit["volunteer"], visit["visited_at"], opens, resolves
    )


async def stored(prepared: list[Prepared]) -> None:
    """The batch's visits are stored: open and propose closing their follow-ups. A
    correction's new values (its ``visit`` row) take over the follow-ups of the visit they
    replace; a visit already replaced (its correction arrived first) reports nothing."""
    rows = [values for p in prepared for table, values in p.rows if table is Visit]
    if not rows:
        return
    ids = [r["entry"] for r in rows]
    links = await Entry.select(Entry.id, Entry.superseded_by).where(
        Entry.id.is_in(ids) | Entry.superseded_by.is_in(ids)
    )
    superseded = {str(r["id"]) for r in links if r["superseded_by"]}
    head_of = {str(r["superseded_by"]): r["id"] for r in links if r["superseded_by"]}
    plain, corrections = [], []
    for row in rows:
        entry = str(row["entry"])
        if entry in superseded:
            continue  # replaced already: its values count nowhere
        if entry not in head_of:
            plain.append(reported(row))
            continue
        head = uuid.UUID(str(head_of[entry]))
        by = corrected.Replaced(head, row["entry"], row["volunteer"], reported(row))
        corrections.append(by)
    await opening.visits_stored(plain)
    await corrected.visits_corrected(corrections)


SAMPLE = {
    "id": "3f9c2a4e-8b1d-4c7a-9e52-6d0b7f1a2c84",
    "kind": "visit",
    "schema": 1,
    "recorded_at": "2026-11-20T10:42:17.318+08:00",
    "data": {
        "household_id": "1024",
        "visited_at": "2026-11-20T10:05:00+08:00",
        "companions": ["17"],
        "needs": {
            "health": {"level": "urgent", "note": "老人高血压，降压药快吃完了"},
            "training": {"level": "none", "note": ""},
            "livelihood": {"level": "some", "note": "想养土鸡，缺少鸡苗"},
            "work_school": {"level": "some", "note": "孙子明年上初中，想了解助学金"},
        },
        "follow_up": True,
        "follow_up_note": "请协调镇卫生院送药上门",
        "location": {"lat": 32.8347, "lon": 110.8132, "accuracy": 24.5},
    },
    "attachments": [],
}


def retract(entry_id: str, data: Any) -> list[Shared]:
    """The household's copy of a replaced visit, taken back from the phones."""
    household = data.get("household_id") if isinstance(data, dict) else None
    if not (isinstance(household, str) and household.isdigit()):
        return []
    return [Shared("visit", entry_id, int(household), {})]


async def void(entry_id: str) -> list[Shared]:
    """A voided visit: marked, and sent again to the phones with ``voided: true`` (their
    history shows it struck through); the follow-ups it opened are withdrawn."""
    key = uuid.UUID(entry_id)
    await Visit.update({Visit.voided: True}).where(Visit.entry == key)
    link = await Entry.select(Entry.superseded_by).where(Entry.id == key).first()
    void = link and link["superseded_by"]
    author = void and await Entry.select(Entry.account).where(Entry.id == void).first()
    if author:
        replaced = corrected.Replaced(key, uuid.UUID(str(void)), author["account"], None)
        await corrected.visits_corrected([replaced])
    rows = await Visit.select(Visit.all_columns(), Visit.volunteer.display_name).where(
        Visit.entry == uuid.UUID(entry_id)
    )
    return [pulled(r, r["volunteer.display_name"]) for r in rows]


async def listed(household_id: int, limit: int) -> list[Listed]:
    """A household's visits for its page: of each chain the latest, voided ones marked."""
    rows = (
        await Visit.select(Visit.all_columns(), Visit.volunteer.display_name)
        .where((Visit.household == household_id) & chains.shown(Visit.entry))
        .order_by(Visit.visited_at, ascending=False)
        .limit(limit)
    )
    return [
        Listed(
            kind="visit",
            id=str(r["entry"]),
            when=r["visited_at"],
            author=r["volunteer.display_name"],
            author_id=r["volunteer"],
            data={
                "needs": needs_of(r),
                "follow_up": r["follow_up"],
                "follow_up_note": r["follow_up_note"],
            },
            voided=r["voided"],
            household_id=r["household"],
        )
        for r in rows
    ]


KIND = Kind(
    "visit",
    1,
    VisitV1,
    prepare,
    MESSAGES,
    SAMPLE,
    history=history,
    stored=stored,
    attachments=(PHOTO,),
    listed=listed,
    corrections=Corrections(retract, void),
)

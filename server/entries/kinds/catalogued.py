"""What the kinds that name catalogue items share: medicine deliveries, supply handouts
and purchases (their checks, codes, and the lookups a batch reads once).

A catalogue item is known when it exists in the right catalogue, retired or not: a phone
may send a week-old entry naming an item a coordinator retired since.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta
from piccolo.columns import Column
from piccolo.table import Table

from server.catalogues.tables import CatalogueItem
from server.entries import chains
from server.entries.kinds.base import Corrections, Listed
from server.entries.prepared import Prepared, Problem, decode_problem, id_of
from server.households.tables import Member
from server.i18n import N_
from server.wire import parse_time

MESSAGES = {
    "bad_quantity": N_("A quantity must be more than 0 and at most 100,000 ({field})."),
    "unknown_item": N_("An item is not in the catalogue ({field})."),
    "wrong_catalogue": N_("An item comes from another catalogue ({field})."),
    "bad_date": N_("A date is not valid ({field})."),
    "event_after_save": N_("The time given is later than the time it was saved."),
    "event_too_old": N_("The time given is more than 60 days before it was saved."),
    "member_not_in_household": N_("The person who received it is not a member of this household."),
}
"""The codes these kinds share."""

ItemId = Annotated[str, Meta(min_length=1, max_length=10, pattern=r"^[0-9]+$")]
"""A catalogue item's id, as pull sends it."""
HouseholdId = Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
Count = Annotated[int, Meta(ge=1, le=100_000)]
"""A quantity of whole things (boxes, pieces)."""
Unit = Annotated[str, Meta(max_length=16)]
Text = Annotated[str, Meta(max_length=500)]
Short = Annotated[str, Meta(max_length=100)]
Date = Annotated[str, Meta(max_length=10)]
"""A calendar date, ``YYYY-MM-DD``."""
Time = Annotated[str, Meta(max_length=40)]
"""RFC 3339 with an offset; defaults to the entry's ``recorded_at``."""

_QUANTITY = re.compile(r"(^|\.)quantity$")
T = TypeVar("T")


def decoded(data: dict[str, Any], struct: type[T]) -> tuple[T | None, Problem | None]:
    """``data`` as ``struct``, or the problem, named by what it is about (a quantity)."""
    try:
        return msgspec.convert(data, struct), None
    except msgspec.ValidationError as error:
        problem = decode_problem(error)
        if problem.code == "invalid_data" and _QUANTITY.search(problem.field):
            problem = Problem("bad_quantity", problem.field)
        return None, problem


def date_of(value: str, where: str) -> tuple[dt.date | None, Problem | None]:
    """A ``YYYY-MM-DD`` date (empty: none), or ``bad_date``."""
    if not value:
        return None, None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, Problem("bad_date", where)


def event_time(
    value: str | None, recorded_at: dt.datetime, where: str
) -> tuple[dt.datetime | None, Problem | None]:
    """When it happened: ``value`` (default ``recorded_at``), no later than a day after the
    save and no earlier than 60 days before it (the visit's rule)."""
    when = parse_time(value) if value else recorded_at
    if when is None:
        return None, Problem("bad_time", where)
    if when > recorded_at + dt.timedelta(days=1):
        return None, Problem("event_after_save", where)
    if when < recorded_at - dt.timedelta(days=60):
        return None, Problem("event_too_old", where)
    return when, None


@dataclass
class Catalogued:
    """What a batch's catalogue entries name, read once: items and members."""

    items: dict[int, str] = field(default_factory=dict)
    """Each named item's catalogue."""
    members: dict[uuid.UUID, int] = field(default_factory=dict)
    """Each named member's household."""
    asked: tuple[set[int], set[uuid.UUID]] = field(default_factory=lambda: (set(), set()))
    """The item and member ids looked up (found or not)."""


def _member_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) and len(value) == 36 else None
    except ValueError:
        return None


def _named(datas: list[dict[str, Any]]) -> tuple[set[int], set[uuid.UUID]]:
    item_ids: set[int] = set()
    member_ids: set[uuid.UUID] = set()
    for data in datas:
        lines = data.get("items")
        for line in [data, *(lines if isinstance(lines, list) else ())]:
            if isinstance(line, dict) and (item := id_of(line.get("item_id"))) is not None:
                item_ids.add(item)
        if (member := _member_id(data.get("member_id"))) is not None:
            member_ids.add(member)
    return item_ids, member_ids


async def _read(found: Catalogued, item_ids: set[int], member_ids: set[uuid.UUID]) -> None:
    item_ids, member_ids = item_ids - found.asked[0], member_ids - found.asked[1]
    if item_ids:
        rows = await CatalogueItem.select(CatalogueItem.id, CatalogueItem.catalogue).where(
            CatalogueItem.id.is_in(sorted(item_ids))
        )
        found.items.update({r["id"]: r["catalogue"] for r in rows})
    if member_ids:
        rows = await Member.select(Member.id, Member.household).where(
            Member.id.is_in(sorted(member_ids))
        )
        found.members.update({uuid.UUID(str(r["id"])): r["household"] for r in rows})
    found.asked[0].update(item_ids)
    found.asked[1].update(member_ids)


async def preload(datas: list[dict[str, Any]]) -> Catalogued:
    """The items and members a batch's entries name (two queries for the whole batch)."""
    found = Catalogued()
    await _read(found, *_named(datas))
    return found


async def lookups_of(prepared: Prepared) -> Catalogued:
    """The batch's catalogue lookups (``preload``'s result), with what this entry names
    read now if the batch did not (a correction's new values)."""
    assert prepared.lookups is not None and prepared.entry is not None
    found = prepared.lookups.extra.setdefault(preload, Catalogued())
    await _read(found, *_named([prepared.entry.data]))
    return found


def item_problem(found: Catalogued, item_id: str, catalogue: str, where: str) -> Problem | None:
    """``unknown_item`` or ``wrong_catalogue`` unless ``item_id`` is in ``catalogue``."""
    known = found.items.get(int(item_id)) if id_of(item_id) is not None else None
    if known is None:
        return Problem("unknown_item", where)
    if known != catalogue:
        return Problem("wrong_catalogue", where)
    return None


def member_problem(found: Catalogued, member_id: str, household_id: int) -> Problem | None:
    """``member_not_in_household`` unless ``member_id`` is a member of ``household_id``
    (one who left it since still counts: the entry may be older than that)."""
    member = _member_id(member_id)
    if member is None or found.members.get(member) != household_id:
        return Problem("member_not_in_household", "member_id")
    return None


def scope_problem(prepared: Prepared, household_id: int) -> Problem | None:
    """``out_of_scope`` unless the actor may record about the household (flagged when the
    pairing ended within the grace period), by the one scope rule."""
    assert prepared.lookups is not None and prepared.recorded_at is not None
    reach = prepared.lookups.scopes.of(household_id, prepared.recorded_at)
    if reach == "out":
        return Problem("out_of_scope", "household_id")
    if reach == "flag":
        prepared.flag = "pairing_ended"
    return None


CORRECTIONS = Corrections(retract=lambda entry_id, data: [])
"""These kinds share nothing beyond their author's own copy of the entry, which the
correction path rewrites itself: nothing to take back from other phones."""


async def listed(
    kind: str,
    table: type[Table],
    when: Column,
    household_id: int,
    limit: int,
    *,
    lines: type[Table] | None = None,
    extra: tuple[Column, ...] = (),
) -> list[Listed]:
    """A household's entries of one of these kinds for its page: of each chain the latest,
    voided ones marked (``chains.shown``). ``data`` is the row (with ``extra`` columns, such
    as the item's catalogue name) and, for a kind with item ``lines``, each line with its
    catalogue name and specification."""
    rows = (
        await table.select(
            table.all_columns(), *extra, table.volunteer.display_name, table.entry.voided
        )
        .where((table.household == household_id) & chains.shown(table.entry))
        .order_by(when, ascending=False)
        .limit(limit)
    )
    by_entry: dict[Any, list[dict[str, Any]]] = {}
    if lines is not None and rows:
        found = (
            await lines.select(lines.all_columns(), lines.item.name, lines.item.specification)
            .where(lines.entry.is_in([r["entry"] for r in rows]))
            .order_by(lines.line)
        )
        for line in found:
            by_entry.setdefault(line["entry"], []).append(line)
    return [
        Listed(
            kind=kind,
            id=str(r["entry"]),
            when=r[when._meta.name],
            author=r["volunteer.display_name"],
            author_id=r["volunteer"],
            data={**r, "lines": by_entry.get(r["entry"], [])},
            voided=bool(r["entry.voided"]),
            household_id=r["household"],
        )
        for r in rows
    ]

"""``supply_handout`` (schema 1): supplies handed to a household, or to a group at a place.

To a household (``household_id``), or to a group (``group``: a village school's
left-behind children, with how many people), never both. Items come from the supplies
catalogue (写字本, 棉袄, 奶粉, 糖果 …) with quantities; the occasion is 结对帮扶
(``pairing``), 博爱送万家 (``new_year``), 救灾 (``disaster``) or 其他 (``other``). A photo
of the handout is one of the entry's ``attachments``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct
from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from server.accounts.tables import Account
from server.actor import Actor
from server.catalogues.tables import CatalogueItem
from server.entries.kinds import catalogued
from server.entries.kinds.base import PHOTO, Kind, Listed
from server.entries.kinds.catalogued import Count, HouseholdId, ItemId, Short, Time, Unit
from server.entries.kinds.catalogued import Text as Note
from server.entries.prepared import Prepared, Problem
from server.entries.tables import Entry
from server.households.tables import Household
from server.i18n import N_

OCCASIONS = ("pairing", "new_year", "disaster", "other")
"""结对帮扶, 博爱送万家, 救灾, 其他."""

MESSAGES = {
    **catalogued.MESSAGES,
    "recipient_required": N_("Say who received it: a household or a group, not both."),
}
"""The codes this kind adds."""


class SupplyHandout(Table):
    """Supplies handed to a household or to a group."""

    entry = ForeignKey(references=Entry, unique=True)
    household = ForeignKey(references=Household, null=True, default=None, index=True)
    """Null for a group."""
    place = Varchar(length=100, default="")
    """A group's place, e.g. 华家河村小学."""
    people = Integer(null=True, default=None)
    """How many people the group had."""
    group = Varchar(length=100, default="")
    """Who the group were, e.g. 留守儿童."""
    volunteer = ForeignKey(references=Account, index=True)
    handed_at = Timestamptz(index=True)
    occasion = Varchar(length=16)
    occasion_note = Varchar(length=100, default="")
    note = Text(default="")


class SupplyHandoutItem(Table):
    """One item of a handout."""

    entry = ForeignKey(references=Entry, index=True)
    line = Integer()
    item = ForeignKey(references=CatalogueItem, index=True)
    quantity = Integer()
    unit = Varchar(length=16, default="")


class SupplyLine(Struct, forbid_unknown_fields=True):
    """One item handed out."""

    item_id: ItemId
    """An item of the supplies catalogue."""
    quantity: Count
    unit: Unit = ""


class Group(Struct, forbid_unknown_fields=True):
    """The people a handout went to, when not one household."""

    place: Annotated[str, Meta(min_length=1, max_length=100)]
    people: Annotated[int, Meta(ge=1, le=10_000)]
    description: Short = ""
    """Who they were, e.g. 留守儿童."""


class SupplyHandoutV1(Struct, forbid_unknown_fields=True):
    """``supply_handout`` schema 1: supplies handed to a household or a group."""

    items: Annotated[list[SupplyLine], Meta(min_length=1, max_length=50)]
    occasion: Literal["pairing", "new_year", "disaster", "other"]
    household_id: HouseholdId | None = None
    group: Group | None = None
    handed_at: Time | None = None
    """Defaults to the entry's ``recorded_at``."""
    occasion_note: Short = ""
    note: Note = ""


def rows(
    entry_id: uuid.UUID, actor: Actor, handout: SupplyHandoutV1, when: dt.datetime
) -> list[tuple[type[Table], dict[str, Any]]]:
    """The handout's row and one row per item."""
    group = handout.group
    head = {
        "entry": entry_id,
        "household": int(handout.household_id) if handout.household_id else None,
        "place": group.place.strip() if group else "",
        "people": group.people if group else None,
        "group": group.description.strip() if group else "",
        "volunteer": actor.id,
        "handed_at": when.astimezone(dt.UTC),
        "occasion": handout.occasion,
        "occasion_note": handout.occasion_note.strip(),
        "note": handout.note.strip(),
    }
    lines: list[tuple[type[Table], dict[str, Any]]] = [
        (
            SupplyHandoutItem,
            {
                "entry": entry_id,
                "line": index,
                "item": int(line.item_id),
                "quantity": line.quantity,
                "unit": line.unit.strip(),
            },
        )
        for index, line in enumerate(handout.items)
    ]
    return [(SupplyHandout, head), *lines]


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a handout; an accepted one writes its rows."""
    assert prepared.entry is not None and prepared.recorded_at is not None
    handout, problem = catalogued.decoded(prepared.entry.data, SupplyHandoutV1)
    if handout is None:
        return problem
    if (handout.household_id is None) == (handout.group is None):
        return Problem("recipient_required", "household_id")
    when, problem = catalogued.event_time(handout.handed_at, prepared.recorded_at, "handed_at")
    if when is None:
        return problem
    found = await catalogued.lookups_of(prepared)
    for index, line in enumerate(handout.items):
        where = f"items[{index}].item_id"
        if problem := catalogued.item_problem(found, line.item_id, "supplies", where):
            return problem
    household = handout.household_id
    if household is not None and (problem := catalogued.scope_problem(prepared, int(household))):
        return problem
    assert prepared.entry_id is not None
    prepared.rows = rows(prepared.entry_id, actor, handout, when)
    return None


SAMPLE = {
    "id": "c3e8f1a6-2b7d-4e90-8a45-7f6b1d2c9e37",
    "kind": "supply_handout",
    "schema": 1,
    "recorded_at": "2026-11-20T14:05:33.871+08:00",
    "data": {
        "household_id": "1024",
        "handed_at": "2026-11-20T13:50:00+08:00",
        "occasion": "pairing",
        "items": [
            {"item_id": "21", "quantity": 10, "unit": "本"},
            {"item_id": "22", "quantity": 1, "unit": "件"},
        ],
        "note": "给孙子的冬衣和写字本",
    },
    "attachments": [],
}


async def listed(household_id: int, limit: int) -> list[Listed]:
    """A household's entries of this kind for its page (``catalogued.listed``)."""
    return await catalogued.listed(
        "supply_handout",
        SupplyHandout,
        SupplyHandout.handed_at,
        household_id,
        limit,
        lines=SupplyHandoutItem,
    )


KIND = Kind(
    "supply_handout",
    1,
    SupplyHandoutV1,
    prepare,
    MESSAGES,
    SAMPLE,
    preload=catalogued.preload,
    listed=listed,
    corrections=catalogued.CORRECTIONS,
    attachments=(PHOTO,),
)

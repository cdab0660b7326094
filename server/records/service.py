"""我的记录: a volunteer's own entries of every kind, each as the latest of its chain.

An entry corrected once or twice is one record with its latest values (what counts); a
voided one is kept, marked, and counts nothing. What a correction names is the record's
``head``: the latest entry of its chain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from server import scope
from server.activities.tables import Activity
from server.actor import Actor
from server.catalogues.tables import CatalogueItem
from server.entries import chains
from server.entries.chains import CORRECTION, MAX_LENGTH, REFUSED
from server.entries.tables import Entry
from server.households.tables import Household
from server.wire import parse_time

SHOWN = 200
"""Entries read for the page, the newest first (corrections included)."""
NOT_LISTED = frozenset({CORRECTION, "notice_read"})
"""Kinds that are no record of work: a correction shows as the values it gave, and a notice
marked as read is only a receipt."""


@dataclass
class Record:
    """One of the volunteer's entries, with the latest values of its chain."""

    id: str
    """The entry first recorded (the chain's start)."""
    head: str
    """The latest entry of its chain: what a correction names."""
    kind: str
    schema: int
    recorded_at: dt.datetime | None
    data: dict[str, Any]
    voided: bool
    corrected: bool
    household_id: int | None = None
    activity_id: int | None = None
    household: str = ""
    """The household's head name, when the volunteer may still see it."""
    activity: str = ""
    """The title of the activity it is about (a sign-up, a check-in, trainees)."""
    author_id: int = 0
    files: list[str] = dataclasses.field(default_factory=list)
    """The names of the files the entry carries (a photo, a signature)."""
    correction_refused: bool = False
    """A correction of it arrived first, and its new values were refused once it came
    (``correction_refused``): the volunteer corrects it again."""
    display: dict[str, Any] | None = None
    """``data`` with the catalogue's names beside its item ids, as the kinds' snippets
    draw it (``lines``; a purchase's ``item.name``); None for kinds naming no items."""


def _files(body: str) -> list[str]:
    listed = chains.sent(body).get("attachments")
    if not isinstance(listed, list):
        return []
    return [f["name"] for f in listed if isinstance(f, dict) and isinstance(f.get("name"), str)]


def _record(root: dict[str, Any], rows: dict[str, dict[str, Any]]) -> Record:
    data, head, voided = chains.entry_data(root["body"]), root, root["voided"]
    for _ in range(MAX_LENGTH):
        following = rows.get(str(head["superseded_by"])) if head["superseded_by"] else None
        if voided or following is None:
            break
        values = chains.entry_data(following["body"]).get("data")
        if not isinstance(values, dict):
            break
        head, data, voided = following, values, following["voided"]
    household = data.get("household_id")
    activity = data.get("activity_id")
    return Record(
        id=str(root["id"]),
        head=str(head["id"]),
        kind=root["kind"],
        schema=root["schema"],
        recorded_at=parse_time(root["recorded_at"]),
        data=data,
        voided=voided,
        corrected=head is not root,
        household_id=_id(household),
        activity_id=_id(activity),
        files=_files(root["body"]),
    )


def _id(value: Any) -> int | None:
    """An id as phones send it (digits in a string), else None."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 19 else None


async def records(actor: Actor) -> list[Record]:
    """The actor's own entries, newest first, each with the latest values of its chain."""
    rows = await (
        Entry.select(
            Entry.id,
            Entry.kind,
            Entry.schema,
            Entry.recorded_at,
            Entry.body,
            Entry.superseded_by,
            Entry.voided,
            Entry.supersedes,
            Entry.flag,
        )
        .where(Entry.account == actor.id)
        .order_by(Entry.received_at, ascending=False)
        .limit(SHOWN)
    )
    by_id = {str(r["id"]): r for r in rows}
    found = [_record(r, by_id) for r in rows if r["kind"] not in NOT_LISTED]
    refused = {
        str(r["supersedes"])
        for r in rows
        if r["kind"] == CORRECTION and REFUSED in r["flag"].split(",")
    }
    names = await _household_names(actor, {r.household_id for r in found if r.household_id})
    items = await _item_names(found)
    titles = await _activity_titles({r.activity_id for r in found if r.activity_id})
    for record in found:
        record.household = names.get(record.household_id or 0, "")
        record.activity = titles.get(record.activity_id or 0, "")
        record.author_id = actor.id
        record.display = _display(record.data, items)
        record.correction_refused = bool({record.id, record.head} & refused)
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda r: r.recorded_at or epoch, reverse=True)


async def record(actor: Actor, entry_id: str) -> Record | None:
    """One of the actor's records, named by any entry of its chain; None if not theirs."""
    for found in await records(actor):
        if entry_id in (found.id, found.head):
            return found
    return None


async def _household_names(actor: Actor, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    select = Household.select(Household.id, Household.head_name).where(
        Household.id.is_in(sorted(ids))
    )
    visible = await scope.households(actor)
    rows = await (select if visible is None else select.where(visible))
    return {r["id"]: r["head_name"] for r in rows}


async def _activity_titles(ids: set[int]) -> dict[int, str]:
    """The titles of the activities the volunteer's own entries name (one query)."""
    if not ids:
        return {}
    rows = await Activity.select(Activity.id, Activity.title).where(Activity.id.is_in(sorted(ids)))
    return {r["id"]: r["title"] for r in rows}


def _item_ids(data: dict[str, Any]) -> list[str]:
    lines = data.get("items") if isinstance(data.get("items"), list) else []
    named = [line.get("item_id") for line in lines if isinstance(line, dict)]
    return [str(i) for i in [*named, data.get("item_id")] if isinstance(i, str) and i.isdigit()]


async def _item_names(found: list[Record]) -> dict[str, dict[str, Any]]:
    """The catalogue items the records name (one query), by id as phones send it."""
    ids = sorted({int(i) for r in found for i in _item_ids(r.data)})
    if not ids:
        return {}
    rows = await CatalogueItem.select(
        CatalogueItem.id, CatalogueItem.name, CatalogueItem.specification
    ).where(CatalogueItem.id.is_in(ids))
    return {
        str(r["id"]): {"item.name": r["name"], "item.specification": r["specification"]}
        for r in rows
    }


def _display(data: dict[str, Any], items: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    if not _item_ids(data):
        return None
    lines = data.get("items") if isinstance(data.get("items"), list) else []
    return {
        **data,
        **items.get(str(data.get("item_id")), {}),
        "lines": [
            {**line, **items.get(str(line.get("item_id")), {})}
            for line in lines
            if isinstance(line, dict)
        ],
    }

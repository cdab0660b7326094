"""The review lists: entries of every kind in a coordinator's areas, filtered, by keyset.

Each kind is read from its own table along its indexed time (``registry``); a list of
several kinds reads one page of each and merges them, so a page costs the same with a
million entries as with a hundred.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
import uuid
from dataclasses import dataclass
from typing import Any

from server import scope
from server.accounts.tables import Account
from server.actor import Actor
from server.areas.tables import Team
from server.attachments.tables import EntryAttachment
from server.entries import chains
from server.entries.tables import Entry, EntryReceipt
from server.keyset import Page, after, cursor_of
from server.review.registry import BY_KIND, REVIEWED, Reviewed

PAGE = 50
"""Entries a page lists."""


@dataclass(frozen=True)
class ReviewFilter:
    """What a review list asks for; empty fields ask for everything in scope."""

    kind: str = ""
    place: int | None = None
    team: int | None = None
    volunteer: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    """Exclusive: the start of the day after the last day asked for."""
    flagged: bool = False
    cursor: str = ""


def _flagged(table: Any) -> Any:
    return (table.entry.flag != "") | (table.entry.status == "conflict")


async def _clauses(actor: Actor, kind: Reviewed, wanted: ReviewFilter) -> list[Any]:
    table, time = kind.table, kind.time()
    found = [
        scope.reviewed(actor, kind.place()),
        await scope.place(actor, kind.place(), wanted.place),
        after(wanted.cursor, time, table.id, descending=True),
    ]
    if wanted.team is not None:
        found.append(table.entry.account.team == wanted.team)
    if wanted.volunteer is not None:
        found.append(table.entry.account == wanted.volunteer)
    if wanted.since is not None:
        found.append(time >= wanted.since)
    if wanted.until is not None:
        found.append(time < wanted.until)
    if wanted.flagged:
        found.append(_flagged(table))
    return [c for c in found if c is not None]


async def _page_of(actor: Actor, kind: Reviewed, wanted: ReviewFilter) -> list[dict[str, Any]]:
    table = kind.table
    select = table.select(
        table.id,
        table.entry.as_alias("entry_id"),
        kind.time().as_alias("at"),
        kind.where().as_alias("where"),
        table.entry.account.display_name.as_alias("author"),
        table.entry.flag.as_alias("flag"),
        table.entry.status.as_alias("status"),
    )
    clauses = await _clauses(actor, kind, wanted)
    if clauses:
        select = select.where(functools.reduce(operator.and_, clauses))
    rows = await select.order_by(kind.time(), table.id, ascending=False).limit(PAGE + 1)
    return [{**r, "kind": kind.kind, "label": kind.label} for r in rows]


async def entries(actor: Actor, wanted: ReviewFilter) -> Page:
    """One page of entries, the latest first."""
    kinds = [BY_KIND[wanted.kind]] if wanted.kind in BY_KIND else list(REVIEWED)
    rows: list[dict[str, Any]] = []
    for kind in kinds:
        rows += await _page_of(actor, kind, wanted)
    rows.sort(key=lambda r: (r["at"], r["id"]), reverse=True)
    if len(rows) <= PAGE:
        return Page(rows)
    shown = rows[:PAGE]
    return Page(shown, cursor_of(shown[-1]["at"], shown[-1]["id"]))


async def entry(actor: Actor, entry_id: str) -> dict[str, Any] | None:
    """One entry as received (its raw body, receipts and files), if in ``actor``'s scope."""
    try:
        key = uuid.UUID(entry_id)
    except ValueError:
        return None
    found = (
        await Entry.select(Entry.all_columns(), Entry.account.display_name)
        .where(Entry.id == key)
        .first()
    )
    if found is None:
        return None
    found["chain"] = await _chain(found)
    # A correction is seen where the entry it corrects is (its chain's first entry).
    first = found["chain"][0]
    if not await _may_see(actor, first["kind"], uuid.UUID(str(first["id"]))):
        return None
    found["pretty"] = _pretty(found["body"])
    found["receipts"] = (
        await EntryReceipt.select()
        .where(EntryReceipt.entry_id == str(key))
        .order_by(EntryReceipt.received_at)
    )
    found["attachments"] = await EntryAttachment.select().where(EntryAttachment.entry == key)
    found["label"] = BY_KIND[found["kind"]].label if found["kind"] in BY_KIND else found["kind"]
    return found


async def _chain(found: dict[str, Any]) -> list[dict[str, Any]]:
    """The correction chain ``found`` is part of, the first entry first (only ``found``
    when it was never corrected): each link's id, kind, when received, and if it voided."""
    columns = (Entry.id, Entry.kind, Entry.received_at, Entry.supersedes, Entry.superseded_by)
    links = [found]
    for _ in range(chains.MAX_LENGTH):
        back = links[0]["supersedes"]
        row = back and await Entry.select(*columns).where(Entry.id == back).first()
        if not row:
            break
        links.insert(0, row)
    for _ in range(chains.MAX_LENGTH):
        ahead = links[-1]["superseded_by"]
        row = ahead and await Entry.select(*columns).where(Entry.id == ahead).first()
        if not row:
            break
        links.append(row)
    return [{**link, "current": link["id"] == found["id"]} for link in links]


async def _may_see(actor: Actor, kind_name: str, key: uuid.UUID) -> bool:
    kind = BY_KIND.get(kind_name)
    if kind is None:
        return actor.is_admin
    where = kind.table.entry == key
    visible = scope.reviewed(actor, kind.place())
    if visible is not None:
        where &= visible
    return await kind.table.select(kind.table.id).where(where).first() is not None


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), ensure_ascii=False, indent=2)
    except ValueError:
        return body


async def choices(actor: Actor) -> dict[str, Any]:
    """What the filters offer: the areas, teams and volunteers of ``actor``'s scope."""
    teams = Team.select(Team.id, Team.name).where(Team.retired == False)  # noqa: E712
    if (visible := scope.teams(actor)) is not None:
        teams = teams.where(visible)
    people = Account.select(Account.id, Account.display_name).where(
        Account.active == True  # noqa: E712
    )
    if (looked_after := scope.accounts(actor)) is not None:
        people = people.where(looked_after)
    return {
        "places": await scope.places(actor),
        "teams": await teams.order_by(Team.name),
        "volunteers": await people.order_by(Account.display_name).limit(1000),
        "kinds": REVIEWED,
    }

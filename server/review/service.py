"""The review lists: entries of every kind in a coordinator's areas, filtered, by keyset.

Each kind is read from its own table along the time of its event (``registry``); a list
of several kinds reads one page of each source and merges them, so a page costs the
same with a million entries as with a hundred. Of each correction chain the latest entry
is listed (``chains.shown``: a voided one too, marked ``voided``).

``entries`` gives one page; ``rows`` goes through every page of a filter (an export).
"""

from __future__ import annotations

import functools
import json
import operator
import uuid
from collections.abc import AsyncIterator
from typing import Any

from server import scope
from server.accounts.tables import Account
from server.actor import Actor
from server.areas.tables import Team
from server.attachments.tables import EntryAttachment
from server.entries import chains, flags
from server.entries.tables import Entry, EntryReceipt
from server.keyset import Page, after, cursor_of
from server.review.filters import ReviewFilter
from server.review.registry import BY_KIND, LABELS, REVIEWED, SOURCES, Reviewed

PAGE = 50
"""Entries a page lists."""

__all__ = ["PAGE", "ReviewFilter", "choices", "entries", "entry", "rows"]


def _flagged(table: Any) -> Any:
    return (table.entry.flag != "") | (table.entry.status == "conflict")


async def _clauses(actor: Actor, source: Reviewed, wanted: ReviewFilter) -> list[Any]:
    table, time = source.table, source.time()
    found = [
        chains.latest(table.entry) if wanted.counted else chains.shown(table.entry),
        source.only() if source.only else None,
        scope.reviewed(actor, source.place()),
        await scope.place(actor, source.place(), wanted.place),
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


async def _page_of(
    actor: Actor, source: Reviewed, wanted: ReviewFilter, size: int
) -> list[dict[str, Any]]:
    table = source.table
    select = table.select(
        table.id,
        table.entry.as_alias("entry_id"),
        source.time().as_alias("at"),
        source.where().as_alias("where"),
        source.area().as_alias("area"),
        table.entry.account.display_name.as_alias("author"),
        table.entry.account.team.name.as_alias("team"),
        table.entry.flag.as_alias("flag"),
        table.entry.status.as_alias("status"),
        table.entry.voided.as_alias("voided"),
    )
    clauses = await _clauses(actor, source, wanted)
    select = select.where(functools.reduce(operator.and_, clauses))
    found = await select.order_by(source.time(), table.id, ascending=False).limit(size + 1)
    for r in found:
        r.update(kind=source.kind, label=source.label, why=flags.labels(r["flag"], r["status"]))
    return found


async def entries(actor: Actor, wanted: ReviewFilter, size: int = PAGE) -> Page:
    """One page of entries, the latest first."""
    sources = BY_KIND.get(wanted.kind, SOURCES)
    found: list[dict[str, Any]] = []
    for source in sources:
        found += await _page_of(actor, source, wanted, size)
    found.sort(key=lambda r: (r["at"], r["id"]), reverse=True)
    if len(found) <= size:
        return Page(found)
    shown = found[:size]
    return Page(shown, cursor_of(shown[-1]["at"], shown[-1]["id"]))


async def rows(actor: Actor, wanted: ReviewFilter, size: int = 1000) -> AsyncIterator[dict]:
    """Every entry ``wanted`` asks for, the latest first, read ``size`` at a time: each
    row has ``kind``, ``label`` (a msgid), ``entry_id``, ``at``, ``where``, ``area``,
    ``author``, ``team``, ``flag``, ``status``, ``voided`` and ``why`` (what its flags
    say: msgids, empty when it is not flagged)."""
    cursor = wanted.cursor
    while True:
        page = await entries(actor, _with_cursor(wanted, cursor), size)
        for row in page.rows:
            yield row
        if not page.next:
            return
        cursor = page.next


def _with_cursor(wanted: ReviewFilter, cursor: str) -> ReviewFilter:
    return ReviewFilter(**{**wanted.__dict__, "cursor": cursor})


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
    found["label"] = LABELS.get(first["kind"], first["kind"])
    found["why"] = flags.labels(found["flag"], found["status"])
    found["status_words"] = flags.STATUSES
    found["correction"] = found["kind"] == chains.CORRECTION
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
    if kind_name not in BY_KIND:
        return actor.is_admin
    for source in BY_KIND[kind_name]:
        where = source.table.entry == key
        visible = scope.reviewed(actor, source.place())
        if visible is not None:
            where &= visible
        if await source.table.select(source.table.id).where(where).first() is not None:
            return True
    return False


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

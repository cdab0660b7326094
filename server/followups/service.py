"""The follow-up queue (需要跟进) and handling an item: assign, add notes, close.

Every read goes through the scope rule; every change writes its audit row in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Count

from server import scope
from server.accounts.tables import Account
from server.actor import Actor, now
from server.audit import service as audit
from server.db import write_transaction
from server.followups import pulled
from server.followups.tables import FollowUp, FollowUpNote
from server.keyset import Page, after

PAGE = 50
"""Items a queue page shows."""
NOTE_LENGTH = 1000
"""The longest note or outcome kept (longer ones are refused, not cut)."""


@dataclass(frozen=True)
class QueueFilter:
    """What the queue page asks for."""

    status: str = "open"
    area: str = ""
    """A need area (``health`` ...), ``follow_up``, or empty for all."""
    place: int | None = None
    """An area (county, township, village) id."""
    cursor: str = ""
    team: int | None = None
    """A team: the items its members reported."""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    """Reported (the visit took place) from ``since``, before ``until``."""


_COLUMNS = (
    FollowUp.all_columns(),
    FollowUp.household.head_name,
    FollowUp.household.code,
    FollowUp.household.village.name,
    FollowUp.reported_by.display_name,
    FollowUp.assignee.display_name,
    FollowUp.closed_by.display_name,
)


async def _where(actor: Actor, *clauses: Any) -> Any:
    visible = await scope.follow_ups(actor)
    found = [c for c in (visible, *clauses) if c is not None]
    return functools.reduce(operator.and_, found) if found else FollowUp.id > 0


async def queue(actor: Actor, wanted: QueueFilter) -> Page:
    """One page of the queue: the oldest report first (closed ones: latest closed first)."""
    clauses: list[Any] = [FollowUp.status == ("closed" if wanted.status == "closed" else "open")]
    if wanted.area:
        clauses.append(FollowUp.area == wanted.area)
    clauses.append(await scope.place(actor, FollowUp.household.village.path, wanted.place))
    if wanted.team is not None:
        clauses.append(FollowUp.reported_by.team == wanted.team)
    if wanted.since is not None:
        clauses.append(FollowUp.reported_at >= wanted.since)
    if wanted.until is not None:
        clauses.append(FollowUp.reported_at < wanted.until)
    closed = wanted.status == "closed"
    key = FollowUp.closed_at if closed else FollowUp.reported_at
    if (position := after(wanted.cursor, key, FollowUp.id, descending=closed)) is not None:
        clauses.append(position)
    rows = (
        await FollowUp.select(*_COLUMNS)
        .where(await _where(actor, *clauses))
        .order_by(key, FollowUp.id, ascending=not closed)
        .limit(PAGE + 1)
    )
    return Page.of(rows, PAGE, "closed_at" if closed else "reported_at")


async def open_counts(actor: Actor, place: int | None = None) -> dict[str, int]:
    """Open items per area (counted in the database)."""
    where = await _where(
        actor,
        FollowUp.status == "open",
        await scope.place(actor, FollowUp.household.village.path, place),
    )
    rows = (
        await FollowUp.select(FollowUp.area, Count(FollowUp.id, alias="n"))
        .where(where)
        .group_by(FollowUp.area)
    )
    return {r["area"]: r["n"] for r in rows}


async def for_household(actor: Actor, household_id: int) -> list[dict[str, Any]]:
    """A household's open items, the oldest first (what its page shows, offline too)."""
    where = await _where(actor, FollowUp.household == household_id, FollowUp.status == "open")
    return await FollowUp.select(*_COLUMNS).where(where).order_by(FollowUp.reported_at)


async def item(actor: Actor, item_id: int) -> dict[str, Any] | None:
    """One item with its notes and the visit proposing to close it; None if out of scope."""
    found = (
        await FollowUp.select(
            *_COLUMNS,
            FollowUp.proposed_by.account.display_name,
            FollowUp.household.village.path,
        )
        .where(await _where(actor, FollowUp.id == item_id))
        .first()
    )
    if found is None:
        return None
    found["notes"] = (
        await FollowUpNote.select(FollowUpNote.all_columns(), FollowUpNote.author.display_name)
        .where(FollowUpNote.follow_up == item_id)
        .order_by(FollowUpNote.at)
    )
    return found


async def assignable(actor: Actor) -> list[dict[str, Any]]:
    """The volunteers ``actor`` may hand an item to: the active accounts they look after."""
    select = Account.select(Account.id, Account.display_name, Account.team.name).where(
        Account.active == True  # noqa: E712
    )
    visible = scope.accounts(actor)
    if visible is not None:
        select = select.where(visible)
    return await select.order_by(Account.display_name).limit(1000)


async def partners(actor: Actor) -> list[str]:
    """Partners items in ``actor``'s scope were handed to before (offered as choices)."""
    rows = (
        await FollowUp.select(FollowUp.partner)
        .where(await _where(actor, FollowUp.partner != ""))
        .distinct()
        .order_by(FollowUp.partner)
        .limit(100)
    )
    return [r["partner"] for r in rows]


async def _changeable(actor: Actor, item_id: int) -> dict[str, Any] | None:
    if not actor.is_coordinator:
        return None
    return await FollowUp.select().where(await _where(actor, FollowUp.id == item_id)).first()


async def assign(actor: Actor, item_id: int, volunteer_id: int | None, partner: str) -> str:
    """Hand an open item to a volunteer ``actor`` looks after and/or a partner.

    Returns ``ok``, ``missing`` (not theirs, or closed) or ``unknown_volunteer``."""
    if volunteer_id is not None:
        known = {a["id"] for a in await assignable(actor)}
        if volunteer_id not in known:
            return "unknown_volunteer"
    async with write_transaction():
        row = await _changeable(actor, item_id)
        if row is None or row["status"] != "open":
            return "missing"
        before = {"assignee": row["assignee"], "partner": row["partner"]}
        after = {"assignee": volunteer_id, "partner": partner}
        await FollowUp.update({FollowUp.assignee: volunteer_id, FollowUp.partner: partner}).where(
            FollowUp.id == item_id
        )
        await audit.record(actor.id, "follow_up.assign", "follow_up", item_id, before, after)
        await pulled.changed([item_id])
    return "ok"


async def add_note(actor: Actor, item_id: int, text: str) -> str:
    """Add a note to an item in ``actor``'s scope: ``ok`` or ``missing``."""
    async with write_transaction():
        if await _changeable(actor, item_id) is None:
            return "missing"
        await FollowUpNote.insert(FollowUpNote(follow_up=item_id, author=actor.id, text=text))
        await audit.record(actor.id, "follow_up.note", "follow_up", item_id, after={"note": text})
    return "ok"


async def close(actor: Actor, item_id: int, outcome: str) -> str:
    """Close an open item saying what was done: ``ok`` or ``missing``."""
    async with write_transaction():
        row = await _changeable(actor, item_id)
        if row is None or row["status"] != "open":
            return "missing"
        closed_at: dt.datetime = now()
        await FollowUp.update(
            {
                FollowUp.status: "closed",
                FollowUp.outcome: outcome,
                FollowUp.closed_by: actor.id,
                FollowUp.closed_at: closed_at,
            }
        ).where(FollowUp.id == item_id)
        await audit.record(
            actor.id,
            "follow_up.close",
            "follow_up",
            item_id,
            {"status": "open"},
            {"status": "closed", "outcome": outcome},
        )
        await pulled.changed([item_id])
    return "ok"

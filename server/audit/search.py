"""Reading the audit log: who did what, when, to which record, within the reader's scope.

Newest first, paged by id (the log only grows); an export reads the same rows in chunks
of ``CHUNK`` so a long log never sits in memory whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from server import scope
from server.actor import Actor
from server.audit.tables import AuditLog

PAGE = 50
LAST = 2**31 - 1
"""Above every row id (ids are 32-bit: a larger number would overflow PostgreSQL's)."""
CHUNK = 1000
"""Rows an export reads per query."""


@dataclass(frozen=True)
class AuditFilter:
    """What the 审计 page asks for; empty fields ask for everything in scope."""

    who: str = ""
    """Part of the name or user name of who did it."""
    what: str = ""
    """The start of the action (``follow_up``, ``household.update``)."""
    record: str = ""
    """The kind of record (``household``, ``entry``, ``follow_up``, ``account``)."""
    record_id: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    """Exclusive."""

    def as_dict(self) -> dict[str, str]:
        """The filter as the export's audit row keeps it."""
        return {
            "who": self.who,
            "what": self.what,
            "record": self.record,
            "record_id": self.record_id,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }


def _literal(text: str) -> str:
    """``text`` for a LIKE pattern: ``%`` dropped (an ``_`` matches itself among others)."""
    return text.replace("%", "")


def _clauses(actor: Actor, wanted: AuditFilter, before: int) -> Any:
    found = [scope.audit(actor), AuditLog.id < before]
    if wanted.who:
        pattern = f"%{_literal(wanted.who)}%"
        found.append(
            AuditLog.actor.display_name.like(pattern) | AuditLog.actor.username.like(pattern)
        )
    if wanted.what:
        found.append(AuditLog.action.like(f"{_literal(wanted.what)}%"))
    if wanted.record:
        found.append(AuditLog.table_name == wanted.record)
    if wanted.record_id:
        found.append(AuditLog.row_id == wanted.record_id)
    if wanted.since is not None:
        found.append(AuditLog.at >= wanted.since)
    if wanted.until is not None:
        found.append(AuditLog.at < wanted.until)
    return functools.reduce(operator.and_, [c for c in found if c is not None])


async def _read(actor: Actor, wanted: AuditFilter, before: int, limit: int) -> list[dict]:
    return (
        await AuditLog.select(
            AuditLog.all_columns(), AuditLog.actor.display_name, AuditLog.actor.username
        )
        .where(_clauses(actor, wanted, before))
        .order_by(AuditLog.id, ascending=False)
        .limit(limit)
    )


async def page(actor: Actor, wanted: AuditFilter, before: int = LAST) -> tuple[list, int]:
    """One page of rows older than id ``before``, and where the next page starts (0: none)."""
    rows = await _read(actor, wanted, before, PAGE + 1)
    shown = rows[:PAGE]
    return shown, (shown[-1]["id"] if len(rows) > PAGE else 0)


async def every_row(actor: Actor, wanted: AuditFilter) -> AsyncIterator[dict[str, Any]]:
    """Every matching row, newest first, read ``CHUNK`` at a time."""
    before = LAST
    while True:
        rows = await _read(actor, wanted, before, CHUNK)
        for row in rows:
            yield row
        if len(rows) < CHUNK:
            return
        before = rows[-1]["id"]


FIELDS = ("who", "what", "record", "record_id", "since", "until")


def _day(value: str, zone: ZoneInfo, shift: int = 0) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if not 1900 <= day.year <= 2999:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), zone).astimezone(dt.UTC)


def audit_filter(query: Mapping[str, str], zone: ZoneInfo) -> tuple[AuditFilter, dict[str, str]]:
    """What the page (or an export of it) asks for, and its fields as shown."""
    shown = {name: query.get(name, "").strip()[:100] for name in FIELDS}
    wanted = AuditFilter(
        who=shown["who"],
        what=shown["what"],
        record=shown["record"],
        record_id=shown["record_id"][:64],
        since=_day(shown["since"], zone),
        until=_day(shown["until"], zone, shift=1),
    )
    return wanted, shown

"""Keyset pagination: the next page starts after the last row shown, never at an offset.

An area may hold millions of entries: ``OFFSET 100000`` reads and drops 100,000 rows,
a keyset condition on an indexed time and the row id reads only the page. The cursor
a page links to is the last row's time and id, opaque to the reader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def cursor_of(at: dt.datetime, row_id: int) -> str:
    """The cursor that continues after a row with time ``at`` and id ``row_id``."""
    return f"{at.astimezone(dt.UTC).strftime('%Y%m%dT%H%M%S.%fZ')}_{row_id}"


def parse_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    """The (time, id) a cursor names; None for an empty or unreadable one."""
    at, _, row_id = cursor.partition("_")
    try:
        when = dt.datetime.strptime(at, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=dt.UTC)
        number = int(row_id)
    except ValueError:
        return None
    return (when, number) if 0 < number < 2**31 else None


def after(cursor: str, key: Any, row_id: Any, descending: bool = False) -> Any | None:
    """A where-clause: rows after the cursor in (``key``, ``row_id``) order; None for the
    first page."""
    parsed = parse_cursor(cursor)
    if parsed is None:
        return None
    at, number = parsed
    if descending:
        return (key < at) | ((key == at) & (row_id < number))
    return (key > at) | ((key == at) & (row_id > number))


@dataclass
class Page:
    """One page of rows and the cursor of the next (empty on the last page)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    next: str = ""

    @classmethod
    def of(cls, rows: list[dict[str, Any]], size: int, key: str, row_id: str = "id") -> Page:
        """The page from ``size + 1`` rows read: the extra one only says there is more."""
        if len(rows) <= size:
            return cls(rows)
        shown = rows[:size]
        return cls(shown, cursor_of(shown[-1][key], shown[-1][row_id]))

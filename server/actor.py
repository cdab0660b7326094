"""Who is acting and when: the ``Actor`` every service receives, and the server's clock.

A leaf below every feature package, so services can take an actor without importing
the accounts feature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import tzinfo


@dataclass(frozen=True)
class Actor:
    """The logged-in account as the services see it."""

    id: int
    username: str
    display_name: str
    role: str
    team_id: int | None
    language: str | None
    area_paths: tuple[str, ...] = ()
    """For coordinators: the paths of their areas (everything under them is in scope)."""

    @property
    def is_coordinator(self) -> bool:
        return self.role in ("coordinator", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def now() -> dt.datetime:
    """The current time in UTC (the server stores UTC)."""
    return dt.datetime.now(dt.UTC)


def day_start(value: str | None, zone: tzinfo, shift: int = 0) -> dt.datetime | None:
    """The start, in UTC, of the local day ``value`` (YYYY-MM-DD, years 1900–2999) plus
    ``shift`` days in ``zone``; None when ``value`` is not such a day. List filters take
    their ``from`` (this) and ``to`` (``shift=1``, exclusive) through it."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    if not 1900 <= day.year <= 2999:
        return None
    start = dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), zone)
    return start.astimezone(dt.UTC)

"""Who is acting and when: the ``Actor`` every service receives, and the server's clock.

A leaf below every feature package, so services can take an actor without importing
the accounts feature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


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

"""What the follow-up queue asks for, read from a page's query string.

The query parameters (the dashboard links its follow-up counts with them; the queue's export
takes the same ones): ``status`` (``open``, the default, or ``closed``), ``area`` (a need
area, or ``follow_up``), ``place`` (an area id: items of households in it or under it),
``team`` (a team id: items its members reported), ``from`` and ``to`` (local dates, both
included: when the visit reporting the item took place) and ``after`` (the next page).
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from server.actor import day_start
from server.followups.service import QueueFilter
from server.forms import int_or_none

AREAS = ("health", "training", "livelihood", "work_school", "follow_up")
NAMES = ("status", "area", "place", "team", "from", "to")
"""The parameters a queue's links carry (its next page adds ``after``)."""


def _id(value: str | None) -> int | None:
    number = int_or_none(value)
    return number if number is not None and 0 < number < 2**31 else None


def parse(query: Mapping[str, str], zone: ZoneInfo) -> QueueFilter:
    """The queue a query string asks for."""
    area = query.get("area", "")
    return QueueFilter(
        status="closed" if query.get("status") == "closed" else "open",
        area=area if area in AREAS else "",
        place=int_or_none(query.get("place")),
        cursor=(query.get("after") or "")[:80],
        team=_id(query.get("team")),
        since=day_start(query.get("from"), zone),
        until=day_start(query.get("to"), zone, shift=1),
    )


def shown(query: Mapping[str, str], wanted: QueueFilter) -> dict[str, str]:
    """The parameters as the page shows them again (and its links and export carry)."""
    return {
        "status": wanted.status,
        "area": wanted.area,
        "place": str(wanted.place or ""),
        "team": str(wanted.team or ""),
        "from": (query.get("from") or "")[:10] if wanted.since else "",
        "to": (query.get("to") or "")[:10] if wanted.until else "",
    }

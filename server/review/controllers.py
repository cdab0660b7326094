"""审核: entries of every kind with filters, flagged entries, one entry as received, and
phones holding unsynced entries."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from server.actor import Actor
from server.forms import int_or_none
from server.review import phones, service
from server.settings import Settings
from server.web import coordinators_only

PHONE_DAYS = 3
"""Phones holding entries longer than this are listed unless the page asks otherwise."""


def _day(value: str | None, zone: ZoneInfo, shift: int = 0) -> dt.datetime | None:
    """The start of a local day given as YYYY-MM-DD (plus ``shift`` days), in UTC."""
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return None
    if not 1900 <= day.year <= 2999:
        return None
    start = dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), zone)
    return start.astimezone(dt.UTC)


def _filter(request: Request[Actor, str, object], zone: ZoneInfo, flagged: bool) -> tuple:
    query = request.query_params
    wanted = service.ReviewFilter(
        kind=query.get("kind", "")[:32],
        place=int_or_none(query.get("place")),
        team=_id(query.get("team")),
        volunteer=_id(query.get("volunteer")),
        since=_day(query.get("since"), zone),
        until=_day(query.get("until"), zone, shift=1),
        flagged=flagged or query.get("flagged") == "1",
        cursor=query.get("after", "")[:80],
    )
    shown = {k: query.get(k, "") for k in ("kind", "place", "team", "volunteer", "since", "until")}
    shown["flagged"] = "1" if wanted.flagged else ""
    return wanted, shown


def _id(value: str | None) -> int | None:
    number = int_or_none(value)
    return number if number is not None and 0 < number < 2**31 else None


class ReviewController(Controller):
    """Coordinators: the review lists."""

    path = "/review"
    guards = [coordinators_only]

    async def _list(
        self, request: Request[Actor, str, object], settings: Settings, flagged: bool
    ) -> Template:
        wanted, shown = _filter(request, ZoneInfo(settings.time_zone), flagged)
        context: dict[str, Any] = {
            "page": await service.entries(request.user, wanted),
            "shown": shown,
            "flagged_queue": flagged,
            **await service.choices(request.user),
        }
        return Template("review.html", context=context)

    @get("/")
    async def index(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Entries of every kind in the coordinator's areas, the latest first, filtered."""
        return await self._list(request, settings, flagged=False)

    @get("/flagged")
    async def flagged(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Flagged entries of every kind in one queue (pairing ended, conflicts, check-ins
        out of their window or place)."""
        return await self._list(request, settings, flagged=True)

    @get("/entries/{entry_id:str}")
    async def entry(
        self, request: Request[Actor, str, object], entry_id: FromPath[str]
    ) -> Template:
        """One entry as the server received it."""
        found = await service.entry(request.user, entry_id[:64])
        if found is None:
            raise NotFoundException()
        return Template("review_entry.html", context={"entry": found})

    @get("/phones")
    async def phones(self, request: Request[Actor, str, object]) -> Template:
        """Phones that have held unsynced entries for more than N days: call the volunteer."""
        days = int_or_none(request.query_params.get("days")) or PHONE_DAYS
        days = days if 1 <= days <= 365 else PHONE_DAYS
        context = {"devices": await phones.holding(request.user, days), "days": days}
        return Template("review_phones.html", context=context)

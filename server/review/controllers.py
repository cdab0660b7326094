"""审核: entries of every kind with filters, flagged entries, one entry as received, and
phones holding unsynced entries.

``/review`` and ``/review/flagged`` take the query parameters ``server.review.filters``
describes: ``kind``, ``area``, ``team``, ``volunteer``, ``from``, ``to`` (local dates,
both included), ``flagged=1`` and ``after`` (the next page's cursor).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from server.actor import Actor
from server.review import filters, phones, service
from server.settings import Settings
from server.web import coordinators_only


class ReviewController(Controller):
    """Coordinators: the review lists."""

    path = "/review"
    guards = [coordinators_only]

    async def _list(
        self, request: Request[Actor, str, object], settings: Settings, flagged: bool
    ) -> Template:
        query = request.query_params
        wanted = filters.parse(query, ZoneInfo(settings.time_zone), flagged)
        shown = filters.shown(query)
        shown["flagged"] = "1" if wanted.flagged else ""
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
        days = phones.days_of(request.query_params.get("days"))
        context = {"devices": await phones.holding(request.user, days), "days": days}
        return Template("review_phones.html", context=context)

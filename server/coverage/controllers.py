"""户户走到: coverage per village, team or volunteer, and the households behind each count."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from server import scope
from server.actor import Actor
from server.coverage import service
from server.forms import int_or_none
from server.web import coordinators_only

DAYS = (7, 14, 30, 60, 90, 180, 365)
"""Periods the page offers; any whole number of days from 1 to 3660 is taken."""


def _days(value: str | None) -> int:
    days = int_or_none(value) or 30
    return days if 1 <= days <= 3660 else 30


class CoverageController(Controller):
    """Coordinators: 户户走到."""

    path = "/coverage"
    guards = [coordinators_only]

    @get("/")
    async def index(self, request: Request[Actor, str, object]) -> Template:
        """Per village (or team, or volunteer): households, visited in the last N days, never."""
        query = request.query_params
        grouping = query.get("by") if query.get("by") in service.GROUPINGS else "village"
        days = _days(query.get("days"))
        place = int_or_none(query.get("place"))
        found = await service.rows(request.user, grouping, days, place)
        context = {
            "rows": found,
            "total": service.totals(found) if grouping == "village" else None,
            "by": grouping,
            "days": days,
            "day_choices": DAYS,
            "place": place,
            "places": await scope.places(request.user),
        }
        return Template("coverage.html", context=context)

    @get("/{grouping:str}/{group_id:int}")
    async def households(
        self, request: Request[Actor, str, object], grouping: FromPath[str], group_id: FromPath[int]
    ) -> Template:
        """The households behind a count: not visited in the period, or never visited."""
        if grouping not in service.GROUPINGS or not 0 < group_id < 2**31:
            raise NotFoundException()
        query = request.query_params
        days = _days(query.get("days"))
        state = query.get("state") if query.get("state") in service.STATES else "stale"
        after = int_or_none(query.get("after")) or 0
        place = int_or_none(query.get("place"))
        found, next_id = await service.households(
            request.user, grouping, group_id, state, days, max(0, min(after, 2**31)), place
        )
        context = {
            "households": found,
            "next_id": next_id,
            "grouping": grouping,
            "group_id": group_id,
            "days": days,
            "state": state,
            "place": place or "",
            "name": query.get("name", "")[:100],
        }
        return Template("coverage_households.html", context=context)

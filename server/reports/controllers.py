"""数据看板 (/dashboard): the Red Cross counts for a period and an area, per area or team."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.response import Template

from server import scope
from server.actor import Actor, now
from server.forms import int_or_none
from server.reports import charts, links, period, service
from server.reports.counting import BY, REST
from server.reports.indicators import BY_KEY, INDICATORS, SECTIONS, written
from server.settings import Settings

CHARTED = ("households_visited", "visits")
"""The per-row chart shows these (its first) beside the table."""


def coordinators_allowed(connection: ASGIConnection, _: Any) -> None:
    """A guard: the dashboard is for coordinators and admins; anyone else gets 403."""
    user = connection.scope.get("user")
    if user is None or not user.is_coordinator:
        raise PermissionDeniedException()


def _asked(request: Request[Actor, str, object], zone: ZoneInfo) -> dict[str, Any]:
    query = request.query_params
    shown = {k: query.get(k, "")[:20] for k in ("period", "since", "until", "place", "by")}
    shown["by"] = shown["by"] if shown["by"] in BY else "area"
    place = int_or_none(shown["place"])
    shown["place_id"] = place if place is not None and 0 < place < 2**31 else None
    shown["today"] = now().astimezone(zone).date()
    return shown


def _charts(board: service.Dashboard) -> list[charts.Chart]:
    key = BY_KEY[CHARTED[0]]
    per_row = [
        (r.name or "—", r.cell(key.key).value, written(key, r.cell(key.key).value))
        for r in board.rows
    ]
    visits = BY_KEY["visits"]
    over_time = [(b.label, n, written(visits, n)) for b, n in board.over_time]
    return [charts.bars(visits.label, over_time), charts.bars(key.label, per_row)]


class DashboardController(Controller):
    """Coordinators and admins: 数据看板."""

    path = "/dashboard"
    guards = [coordinators_allowed]

    @get("/")
    async def index(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Every count for the period and area asked for, per area or team, with charts."""
        zone = ZoneInfo(settings.time_zone)
        shown = _asked(request, zone)
        context: dict[str, Any] = {
            "shown": shown,
            "presets": period.PRESETS,
            "places": await scope.places(request.user),
            "sections": SECTIONS,
            "indicators": INDICATORS,
            "written": written,
            "link": links.records,
            "rest": REST,
        }
        try:
            chosen = period.parse(
                shown["period"], shown["since"], shown["until"], shown["today"], zone
            )
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard.html", context=context, status_code=400)
        board = await service.dashboard(request.user, shown["by"], shown["place_id"], chosen)
        context.update(board=board, charts=_charts(board))
        return Template("dashboard.html", context=context)

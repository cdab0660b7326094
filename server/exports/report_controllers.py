"""报表: the programme workbook and the service-hours export for a period and an area."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import File, Stream, Template

from server import scope
from server.actor import Actor
from server.exports import hours, periods, programmes
from server.exports.controllers import coordinators_export, send
from server.forms import int_or_none, refusal
from server.settings import Settings
from server.web import language_of

FIELDS = ("period", "since", "until", "place")


def _fields(request: Request) -> dict[str, str]:
    return {name: request.query_params.get(name, "").strip()[:20] for name in FIELDS}


async def _form(request: Request, asked: dict[str, str], error: str = "") -> Template:
    context = {
        "asked": asked,
        "periods": periods.PERIODS,
        "places": await scope.places(request.user),
        "error": error,
    }
    return Template("reports.html", context=context, status_code=400 if error else 200)


async def _asked(
    request: Request[Actor, str, object], settings: Settings
) -> tuple[periods.Asked | None, dict[str, Any], Template | None]:
    """The report asked for and its filters (as audited), or the form again with why its
    period cannot be read (400)."""
    asked = _fields(request)
    zone = ZoneInfo(settings.time_zone)
    today = dt.datetime.now(zone).date()
    found = periods.parse(asked["period"], asked["since"], asked["until"], zone, today)
    if isinstance(found, str):
        message = refusal(request, found, periods.MESSAGES)
        return None, {}, await _form(request, asked, message)
    report = periods.Asked(
        request.user,
        found,
        int_or_none(asked["place"]),
        language_of(request),
        zone,
        settings.service_hours_columns,
    )
    filters = {
        "period": found.name,
        "first": found.first.isoformat(),
        "last": found.last.isoformat(),
        "place": asked["place"],
    }
    return report, filters, None


class ReportController(Controller):
    """Coordinators: the report page and its two exports."""

    path = "/reports"
    guards = [coordinators_export]

    @get("/")
    async def index(self, request: Request[Actor, str, object]) -> Template:
        """The form: a period (this month, last month, this year, a range) and an area."""
        return await _form(request, {**_fields(request), "period": "this_month"})

    @get("/report.xlsx")
    async def report(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> File | Stream | Template:
        """One workbook, one sheet per programme, for the period and area."""
        asked, filters, refused = await _asked(request, settings)
        if asked is None:
            return refused
        return await send(request, settings, "report", filters, programmes.workbook(asked))

    @get(["/hours.xlsx", "/hours.csv"])
    async def hours(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> File | Stream | Template:
        """志愿服务时长 with the fields a service record carries, named as the setting says."""
        asked, filters, refused = await _asked(request, settings)
        if asked is None:
            return refused
        return await send(request, settings, "hours", filters, [hours.sheet(asked)])

"""报表: the programme workbook and the service-hours export for a period and an area."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import File, Redirect, Stream, Template

from server import scope
from server.actor import Actor
from server.exports import periods
from server.exports.builders import BUILDERS, report_fields
from server.exports.controllers import coordinators_export, send
from server.forms import refusal
from server.settings import Settings
from server.web import language_of


async def _form(request: Request, asked: dict[str, str], error: str = "") -> Template:
    context = {
        "asked": asked,
        "periods": periods.PERIODS,
        "places": await scope.places(request.user),
        "error": error,
    }
    return Template("reports.html", context=context, status_code=400 if error else 200)


async def _export(
    request: Request[Actor, str, object], settings: Settings, what: str
) -> File | Stream | Redirect | Template:
    """The export ``what``, or the form again with why its period cannot be read (400)."""
    query = dict(request.query_params.items())
    built = await BUILDERS[what](request.user, query, settings, language_of(request))
    if isinstance(built, str):
        message = refusal(request, built, periods.MESSAGES)
        return await _form(request, report_fields(query), message)
    return await send(request, settings, what, built.filters, built.sheets)


class ReportController(Controller):
    """Coordinators: the report page and its two exports."""

    path = "/reports"
    guards = [coordinators_export]

    @get("/")
    async def index(self, request: Request[Actor, str, object]) -> Template:
        """The form: a period (this month, last month, this year, a range) and an area."""
        query = dict(request.query_params.items())
        return await _form(request, {**report_fields(query), "period": "this_month"})

    @get("/report.xlsx")
    async def report(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> File | Stream | Redirect | Template:
        """One workbook, one sheet per programme, for the period and area."""
        return await _export(request, settings, "report")

    @get(["/hours.xlsx", "/hours.csv"])
    async def hours(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> File | Stream | Redirect | Template:
        """志愿服务时长 with the fields a service record carries, named as the setting says."""
        return await _export(request, settings, "hours")

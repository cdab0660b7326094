"""导出: every list, the programme report and service hours as .csv and .xlsx.

Each export carries the filters of the page it is linked from, reads that page's own
service query, and is audited (who, what, filters, format) before it is written.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.response import File, Stream

from server.actor import Actor
from server.audit import service as audit
from server.coverage import service as coverage
from server.coverage.controllers import _days as coverage_days
from server.exports import lists
from server.exports.responses import csv_download, xlsx_download
from server.exports.writer import Sheet, csv_chunks, xlsx_file
from server.followups import service as followups
from server.followups.controllers import AREAS
from server.forms import int_or_none
from server.review import filters as review_filters
from server.settings import Settings
from server.web import language_of


def coordinators_export(connection: ASGIConnection, _: Any) -> None:
    """A guard: only coordinators and admins export; anyone else is refused (403)."""
    user = connection.scope.get("user")
    if user is None or not user.is_coordinator:
        raise PermissionDeniedException()


def file_format(request: Request) -> str:
    """``xlsx`` or ``csv``, from the path's suffix."""
    return "xlsx" if request.url.path.endswith(".xlsx") else "csv"


async def send(
    request: Request[Actor, str, object],
    settings: Settings,
    what: str,
    filters: dict[str, Any],
    sheets: list[Sheet],
) -> Stream | File:
    """Audit the export, then write it: a CSV holds the first sheet, a workbook all."""
    chosen = file_format(request)
    await audit.record_export(request.user, what, filters, chosen)
    language, zone = language_of(request), ZoneInfo(settings.time_zone)
    if chosen == "csv":
        first = sheets[0]
        return csv_download(csv_chunks(first.columns, first.rows, language, zone), what)
    return xlsx_download(await xlsx_file(sheets, language, zone), what)


class ListExportController(Controller):
    """The review lists, 需要跟进 and 户户走到 as files, with the page's filters."""

    path = "/exports"
    guards = [coordinators_export]

    @get(["/review.csv", "/review.xlsx"])
    async def review(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File:
        """The review list (every page), or the flagged queue with ``flagged=1``."""
        query = request.query_params
        wanted = review_filters.parse(query, ZoneInfo(settings.time_zone))
        shown = review_filters.shown(query)
        sheet = lists.review_sheet(request.user, wanted, language_of(request))
        return await send(request, settings, "review", shown, [sheet])

    @get(["/followups.csv", "/followups.xlsx"])
    async def followups(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File:
        """The follow-up queue, open (the default) or closed, by need area and place."""
        query = request.query_params
        status = "closed" if query.get("status") == "closed" else "open"
        area = query.get("area", "") if query.get("area", "") in AREAS else ""
        wanted = followups.QueueFilter(status, area, int_or_none(query.get("place")))
        sheet = lists.follow_up_sheet(request.user, wanted, language_of(request))
        filters = {"status": status, "area": area, "place": wanted.place or ""}
        return await send(request, settings, "followups", filters, [sheet])

    @get(["/coverage.csv", "/coverage.xlsx"])
    async def coverage(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File:
        """户户走到 per village, team or volunteer for the page's period and place."""
        query = request.query_params
        grouping = query.get("by") if query.get("by") in coverage.GROUPINGS else "village"
        days = coverage_days(query.get("days"))
        place = int_or_none(query.get("place"))
        sheet = lists.coverage_sheet(request.user, grouping, days, place)
        filters = {"by": grouping, "days": days, "place": place or ""}
        return await send(request, settings, "coverage", filters, [sheet])

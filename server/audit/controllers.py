"""审计: the audit log searched by who, what, when and which record, and exported."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import File, Stream, Template

from server.actor import Actor
from server.audit import search
from server.exports import audit_log as export
from server.exports.responses import csv_download, xlsx_download
from server.forms import int_or_none
from server.settings import Settings
from server.web import coordinators_only, language_of

FIELDS = ("who", "what", "record", "record_id", "since", "until")


def _day(value: str, zone: ZoneInfo, shift: int = 0) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if not 1900 <= day.year <= 2999:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), zone).astimezone(dt.UTC)


def _filter(request: Request, zone: ZoneInfo) -> tuple[search.AuditFilter, dict[str, str]]:
    shown = {name: request.query_params.get(name, "").strip()[:100] for name in FIELDS}
    wanted = search.AuditFilter(
        who=shown["who"],
        what=shown["what"],
        record=shown["record"],
        record_id=shown["record_id"][:64],
        since=_day(shown["since"], zone),
        until=_day(shown["until"], zone, shift=1),
    )
    return wanted, shown


class AuditController(Controller):
    """Admins (everything) and coordinators (their areas): the audit log."""

    path = "/audit"
    guards = [coordinators_only]

    @get("/")
    async def index(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Matching rows, newest first, a page at a time."""
        wanted, shown = _filter(request, ZoneInfo(settings.time_zone))
        before = int_or_none(request.query_params.get("before")) or search.LAST
        rows, next_before = await search.page(
            request.user, wanted, min(max(before, 1), search.LAST)
        )
        query = urlencode({name: value for name, value in shown.items() if value})
        context = {"rows": rows, "next_before": next_before, "shown": shown, "query": query}
        return Template("audit.html", context=context)

    @get("/export.csv")
    async def export_csv(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream:
        """The matching rows as CSV (UTF-8 with BOM), streamed; the export is audited."""
        zone = ZoneInfo(settings.time_zone)
        wanted, _ = _filter(request, zone)
        await export.record_export(request.user, wanted, "csv")
        chunks = export.csv_chunks_of(request.user, wanted, language_of(request), zone)
        return csv_download(chunks, "audit")

    @get("/export.xlsx")
    async def export_xlsx(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> File:
        """The matching rows as an Excel workbook; the export is audited."""
        zone = ZoneInfo(settings.time_zone)
        wanted, _ = _filter(request, zone)
        await export.record_export(request.user, wanted, "xlsx")
        path = await export.xlsx_file_of(request.user, wanted, language_of(request), zone)
        return xlsx_download(path, "audit")

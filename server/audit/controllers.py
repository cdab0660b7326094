"""审计: the audit log searched by who, what, when and which record, and exported."""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import File, Redirect, Stream, Template

from server.actor import Actor
from server.audit import search
from server.exports import audit_log as export
from server.exports.builders import BUILDERS, Built
from server.exports.controllers import send
from server.exports.responses import csv_download
from server.forms import int_or_none
from server.settings import Settings
from server.web import coordinators_only, language_of


class AuditController(Controller):
    """Admins (everything) and coordinators (their areas): the audit log."""

    path = "/audit"
    guards = [coordinators_only]

    @get("/")
    async def index(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Matching rows, newest first, a page at a time."""
        wanted, shown = search.audit_filter(request.query_params, ZoneInfo(settings.time_zone))
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
        wanted, _ = search.audit_filter(request.query_params, zone)
        await export.record_export(request.user, wanted, "csv")
        chunks = export.csv_chunks_of(request.user, wanted, language_of(request), zone)
        return csv_download(chunks, "audit")

    @get("/export.xlsx")
    async def export_xlsx(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> File | Redirect:
        """The matching rows as an Excel workbook (a background job when large); audited."""
        query = dict(request.query_params.items())
        built = await BUILDERS["audit"](request.user, query, settings, language_of(request))
        assert isinstance(built, Built)
        return await send(request, settings, "audit", built.filters, built.sheets)

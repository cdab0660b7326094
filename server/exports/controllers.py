"""导出: every list, the programme report and service hours as .csv and .xlsx.

Each export carries the filters of the page it is linked from, reads that page's own
service query (``builders``), and is audited (who, what, filters, format) before it is
written. A CSV streams; a workbook of more than ``EXPORT_INLINE_ROWS`` rows becomes a
background job (``/exports/jobs/<id>``), since openpyxl needs minutes for a million rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import PermissionDeniedException
from litestar.response import File, Redirect, Stream

from server.actor import Actor
from server.audit import service as audit
from server.exports import jobs
from server.exports.builders import BUILDERS, Built
from server.exports.responses import csv_download, xlsx_download
from server.exports.writer import Sheet, csv_chunks, xlsx_file
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


async def _replay(rows: list[Sequence[Any]]) -> AsyncIterator[Sequence[Any]]:
    for row in rows:
        yield row


async def _read_within(sheets: list[Sheet], limit: int) -> list[Sheet] | None:
    """The sheets with their rows read, or None once they hold more than ``limit`` rows."""
    read, total = [], 0
    for sheet in sheets:
        rows: list[Sequence[Any]] = []
        async for row in sheet.rows:
            total += 1
            if total > limit:
                closing = getattr(sheet.rows, "aclose", None)
                if closing is not None:
                    await closing()
                return None
            rows.append(row)
        read.append(dataclasses.replace(sheet, rows=_replay(rows)))
    return read


async def send(
    request: Request[Actor, str, object],
    settings: Settings,
    what: str,
    filters: dict[str, Any],
    sheets: list[Sheet],
) -> Stream | File | Redirect:
    """Audit the export, then write it: a CSV holds the first sheet, a workbook all; a
    workbook too large to write in a request is queued (when a job can rebuild ``what``
    from the query, ``builders.BUILDERS``) and its progress page opened."""
    chosen = file_format(request)
    await audit.record_export(request.user, what, filters, chosen)
    language, zone = language_of(request), ZoneInfo(settings.time_zone)
    if chosen == "csv":
        first = sheets[0]
        return csv_download(csv_chunks(first.columns, first.rows, language, zone), what)
    limit = settings.export_inline_rows
    if what not in BUILDERS:
        read: list[Sheet] | None = sheets
    else:
        read = await _read_within(sheets, limit) if limit > 0 else None
    if read is not None:
        return xlsx_download(await xlsx_file(read, language, zone), what)
    query = dict(request.query_params.items())
    job = await jobs.ask(request.user, what, query, filters, language)
    jobs.wake()
    return Redirect(f"/exports/jobs/{job}", status_code=303)


async def build(request: Request[Actor, str, object], settings: Settings, what: str) -> Built:
    """The export ``what`` as the request asks for it (a list export cannot be refused)."""
    query = dict(request.query_params.items())
    built = await BUILDERS[what](request.user, query, settings, language_of(request))
    assert isinstance(built, Built)
    return built


class ListExportController(Controller):
    """The review lists, 需要跟进 and 户户走到 as files, with the page's filters."""

    path = "/exports"
    guards = [coordinators_export]

    @get(["/review.csv", "/review.xlsx"])
    async def review(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File | Redirect:
        """The review list (every page), or the flagged queue with ``flagged=1``."""
        built = await build(request, settings, "review")
        return await send(request, settings, "review", built.filters, built.sheets)

    @get(["/followups.csv", "/followups.xlsx"])
    async def followups(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File | Redirect:
        """The follow-up queue, open (the default) or closed, by need area and place."""
        built = await build(request, settings, "followups")
        return await send(request, settings, "followups", built.filters, built.sheets)

    @get(["/coverage-households.csv", "/coverage-households.xlsx"])
    async def coverage_households(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File | Redirect:
        """The households behind one 户户走到 count: not visited in the period, or never."""
        built = await build(request, settings, "coverage_households")
        return await send(request, settings, "coverage_households", built.filters, built.sheets)

    @get(["/phones.csv", "/phones.xlsx"])
    async def phones(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File | Redirect:
        """The phones that have held unsynced entries for more than N days."""
        built = await build(request, settings, "phones")
        return await send(request, settings, "phones", built.filters, built.sheets)

    @get(["/coverage.csv", "/coverage.xlsx"])
    async def coverage(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File | Redirect:
        """户户走到 per village, team or volunteer for the page's period and place."""
        built = await build(request, settings, "coverage")
        return await send(request, settings, "coverage", built.filters, built.sheets)

"""The audit log as .csv (UTF-8 with a BOM, so Excel reads the Chinese) or .xlsx.

Both are written row by row: the CSV as the response streams, the workbook with
openpyxl's write-only mode into a temporary file, so a long log never sits in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from server.actor import Actor
from server.audit import service as audit
from server.audit.search import AuditFilter, every_row
from server.db import write_transaction
from server.i18n import N_, gettext

HEADERS = (
    N_("Time"),
    N_("Who"),
    N_("User name"),
    N_("Action"),
    N_("Record"),
    N_("Record id"),
    N_("Before"),
    N_("After"),
)
"""The columns, in the reader's language."""


def headers(language: str) -> list[str]:
    """The column names in ``language``."""
    return [gettext(language, h) for h in HEADERS]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _cells(row: dict[str, Any], zone: ZoneInfo) -> list[Any]:
    at = row["at"]
    if isinstance(at, dt.datetime):
        at = (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(zone).replace(tzinfo=None)
    return [
        at,
        row["actor.display_name"] or "",
        row["actor.username"] or "",
        row["action"],
        row["table_name"],
        row["row_id"],
        _text(row["before"]),
        _text(row["after"]),
    ]


async def record_export(actor: Actor, wanted: AuditFilter, file_format: str) -> None:
    """Every export is itself audited: who exported which part of the log."""
    async with write_transaction():
        await audit.record(
            actor.id,
            "audit.export",
            "audit_log",
            "",
            after={**wanted.as_dict(), "format": file_format},
        )


async def csv_chunks(
    actor: Actor, wanted: AuditFilter, language: str, zone: ZoneInfo
) -> AsyncIterator[bytes]:
    """The CSV, a BOM and the header first, then a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(language))
    yield b"\xef\xbb\xbf" + _drain(buffer)
    count = 0
    async for row in every_row(actor, wanted):
        cells = _cells(row, zone)
        cells[0] = cells[0].strftime("%Y-%m-%d %H:%M:%S") if cells[0] else ""
        writer.writerow(cells)
        count += 1
        if count % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode()


async def xlsx_file(actor: Actor, wanted: AuditFilter, language: str, zone: ZoneInfo) -> str:
    """The workbook written to a temporary file (the caller sends and deletes it)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext(language, N_("Audit log")))
    sheet.append(headers(language))
    async for row in every_row(actor, wanted):
        sheet.append(_cells(row, zone))
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    book.save(handle.name)
    return handle.name

"""The audit log (审计) as .csv or .xlsx, through the shared export writer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

from server.actor import Actor
from server.audit import service as audit
from server.audit.search import AuditFilter, every_row
from server.exports.writer import Column, Sheet, csv_chunks
from server.i18n import N_

COLUMNS = (
    Column(N_("Time"), "time"),
    Column(N_("Who")),
    Column(N_("User name")),
    Column(N_("Action")),
    Column(N_("Record")),
    Column(N_("Record id")),
    Column(N_("Before")),
    Column(N_("After")),
)
"""The columns, named in the reader's language."""


async def _rows(actor: Actor, wanted: AuditFilter) -> AsyncIterator[list[Any]]:
    async for row in every_row(actor, wanted):
        yield [
            row["at"],
            row["actor.display_name"] or "",
            row["actor.username"] or "",
            row["action"],
            row["table_name"],
            row["row_id"],
            row["before"],
            row["after"],
        ]


async def record_export(actor: Actor, wanted: AuditFilter, file_format: str) -> None:
    """Every export is itself audited: who exported which part of the log."""
    await audit.record_export(actor, "audit", wanted.as_dict(), file_format)


def csv_chunks_of(
    actor: Actor, wanted: AuditFilter, language: str, zone: ZoneInfo
) -> AsyncIterator[bytes]:
    """The matching rows as CSV, streamed."""
    return csv_chunks(COLUMNS, _rows(actor, wanted), language, zone)


def sheet_of(actor: Actor, wanted: AuditFilter) -> Sheet:
    """The matching rows as a workbook's sheet."""
    return Sheet(N_("Audit log"), COLUMNS, _rows(actor, wanted), widths={6: 40, 7: 40})

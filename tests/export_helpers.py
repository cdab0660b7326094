"""Reading exports back: a CSV (BOM checked) and a workbook's sheets, as rows."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook


def csv_rows(response) -> list[list[str]]:
    """The rows of a CSV export, its header first (the BOM must be there)."""
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def sheets(response) -> dict[str, list[tuple]]:
    """Every sheet of an .xlsx export by name, its rows as values, the header first."""
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def only_sheet(response) -> list[tuple]:
    """The rows of a one-sheet export."""
    [rows] = sheets(response).values()
    return rows


async def exports_audited(what: str) -> list[dict]:
    """The audit rows of exports of ``what``, oldest first: who, and the filters kept."""
    import json

    from server.audit.tables import AuditLog

    rows = (
        await AuditLog.select(AuditLog.actor.username, AuditLog.after)
        .where(AuditLog.action == f"{what}.export")
        .order_by(AuditLog.id)
    )
    return [{"who": r["actor.username"], **json.loads(r["after"])} for r in rows]

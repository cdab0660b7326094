"""The one streaming writer behind every export: rows in, .csv or .xlsx out.

A CSV is UTF-8 with a BOM (so Excel reads the Chinese) and is yielded a chunk of rows at a
time as the response streams. A workbook is written with openpyxl's write-only mode into a
temporary file, so a million rows never sit in memory: Chinese headers, money as yuan
numbers (stored as whole fen, shown with two decimals), times as real Excel dates in the
local time zone, and a total row under the columns that add up.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from server.i18n import N_, gettext

BOM = b"\xef\xbb\xbf"
CHUNK = 500
"""CSV rows per yielded chunk."""
TOTAL = N_("Total")

Kind = Literal["text", "int", "fen", "minutes", "time", "date"]
"""What a column holds: ``fen`` is money in whole fen (shown as yuan), ``minutes`` a
duration shown in hours, ``time`` an aware or UTC datetime shown in local time."""

_FORMATS = {
    "fen": "0.00",
    "minutes": "0.00",
    "time": "yyyy-mm-dd hh:mm:ss",
    "date": "yyyy-mm-dd",
}
_SUMMABLE = ("int", "fen", "minutes")


@dataclass(frozen=True)
class Column:
    """One column of an export."""

    header: str
    """The column name: a catalogue message (``N_``), or a name used as it is."""
    kind: Kind = "text"
    total: bool = False
    """Add the column up in the workbook's total row (only for int, fen and minutes)."""


@dataclass
class Sheet:
    """One sheet of a workbook: its name, columns and rows (read once, in order)."""

    title: str
    """A catalogue message (``N_``)."""
    columns: Sequence[Column]
    rows: AsyncIterable[Sequence[Any]]
    widths: dict[int, float] = field(default_factory=dict)
    """Column widths by position, where the default is too narrow."""


def headers(columns: Sequence[Column], language: str) -> list[str]:
    """The column names in ``language``."""
    return [gettext(language, c.header) for c in columns]


def local(value: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """``value`` (aware, or naive meaning UTC) as naive local time: Excel has no zones."""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(zone).replace(tzinfo=None)


def yuan(fen: int) -> str:
    """Whole fen as a yuan amount with two decimals, exactly (no float rounding)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _csv_cell(column: Column, value: Any, zone: ZoneInfo) -> Any:
    if value is None:
        return ""
    if column.kind == "fen":
        return yuan(int(value))
    if column.kind == "minutes":
        return f"{value / 60:.2f}"
    if column.kind == "time" and isinstance(value, dt.datetime):
        return local(value, zone).strftime("%Y-%m-%d %H:%M:%S")
    if column.kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    if column.kind == "int":
        return int(value)
    return _text(value)


async def csv_chunks(
    columns: Sequence[Column],
    rows: AsyncIterable[Sequence[Any]],
    language: str,
    zone: ZoneInfo,
) -> AsyncIterator[bytes]:
    """The CSV: a BOM and the header first, then ``CHUNK`` rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(columns, language))
    yield BOM + _drain(buffer)
    count = 0
    async for row in rows:
        writer.writerow([_csv_cell(c, v, zone) for c, v in zip(columns, row, strict=True)])
        count += 1
        if count % CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode()


class _SheetWriter:
    """Appends rows to one write-only sheet, keeping the column totals."""

    def __init__(self, book: Workbook, sheet: Sheet, language: str, zone: ZoneInfo) -> None:
        self.sheet = book.create_sheet(gettext(language, sheet.title)[:31])
        self.columns = list(sheet.columns)
        self.zone = zone
        self.sums = [0 if c.total and c.kind in _SUMMABLE else None for c in self.columns]
        bold = Font(bold=True)
        names = headers(self.columns, language)
        for position, name in enumerate(names):
            letter = _letter(position)
            width = sheet.widths.get(position, max(10, len(name) * 2 + 2))
            self.sheet.column_dimensions[letter].width = width
        self.sheet.freeze_panes = "A2"
        self.sheet.append([self._styled(name, None, bold) for name in names])

    def _styled(self, value: Any, number_format: str | None, font: Font | None = None) -> Any:
        cell = WriteOnlyCell(self.sheet, value=value)
        if number_format:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell

    def _value(self, column: Column, value: Any) -> tuple[Any, str | None]:
        """The cell's value and its number format."""
        kind = column.kind
        if kind == "fen":
            return int(value) / 100, _FORMATS["fen"]
        if kind == "minutes":
            return value / 60, _FORMATS["minutes"]
        if kind == "time" and isinstance(value, dt.datetime):
            return local(value, self.zone), _FORMATS["time"]
        if kind == "date" and isinstance(value, dt.date):
            return value, _FORMATS["date"]
        if kind == "int":
            return int(value), None
        return _text(value), None

    def _cell(self, column: Column, value: Any) -> Any:
        if value is None:
            return None
        value, number_format = self._value(column, value)
        return self._styled(value, number_format) if number_format else value

    def append(self, row: Sequence[Any]) -> None:
        """One record's row, added into the totals."""
        cells = []
        for position, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if self.sums[position] is not None and value is not None:
                self.sums[position] += value
            cells.append(self._cell(column, value))
        self.sheet.append(cells)

    def close(self, language: str) -> None:
        """The total row, where a column adds up."""
        if all(s is None for s in self.sums):
            return
        bold = Font(bold=True)
        cells: list[Any] = []
        for column, total in zip(self.columns, self.sums, strict=True):
            if total is None:
                cells.append(None)
                continue
            cells.append(self._styled(*self._value(column, total), bold))
        if cells[0] is None:
            cells[0] = self._styled(gettext(language, TOTAL), None, bold)
        self.sheet.append(cells)


def _letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


BATCH = 500
"""Rows handed to the writing thread at a time."""

Progress = Callable[[int], Awaitable[None]]


def _append_all(writer: _SheetWriter, rows: list[Sequence[Any]]) -> None:
    for row in rows:
        writer.append(row)


async def xlsx_write(
    sheets: Sequence[Sheet],
    language: str,
    zone: ZoneInfo,
    path: str,
    progress: Progress | None = None,
) -> int:
    """Write the workbook to ``path``; the rows written.

    openpyxl is CPU-bound, so it runs in a thread, a batch at a time, while the loop
    reads the next batch from the database: the loop is never held by the writing.
    ``progress`` hears the rows written after every batch.
    """
    book = Workbook(write_only=True)
    pending: asyncio.Future | None = None
    try:
        written = 0
        for sheet in sheets:
            writer = _SheetWriter(book, sheet, language, zone)
            pending, in_hand = None, 0
            batch: list[Sequence[Any]] = []
            async for row in sheet.rows:
                batch.append(row)
                if len(batch) < BATCH:
                    continue
                if pending is not None:
                    await pending
                    written += in_hand
                    if progress:
                        await progress(written)
                pending = asyncio.ensure_future(asyncio.to_thread(_append_all, writer, batch))
                in_hand, batch = len(batch), []
            if pending is not None:
                await pending
                written += in_hand
            # Every hand-off is kept in ``pending``: a stop must wait for the thread.
            pending = asyncio.ensure_future(asyncio.to_thread(_append_all, writer, batch))
            await pending
            written += len(batch)
            writer.close(language)
            if progress:
                await progress(written)
        pending = asyncio.ensure_future(asyncio.to_thread(book.save, path))
        await pending
        return written
    except BaseException:
        await _abandon(book, pending)
        raise


async def _abandon(book: Workbook, pending: asyncio.Future | None) -> None:
    """Close a workbook given up half-way (a failure, a stop), once its thread is done
    with it: openpyxl's sheets hold open streams that complain when collected unclosed."""
    if pending is not None:
        with contextlib.suppress(BaseException):
            await pending
    for sheet in book.worksheets:
        with contextlib.suppress(Exception):
            sheet.close()
        # A sheet given up mid-row cannot close cleanly; its two streams are ended here
        # rather than complaining when they are collected, long after.
        writer = getattr(sheet, "_writer", None)
        for stream in (getattr(sheet, "_rows", None), getattr(writer, "xf", None)):
            if stream is not None:
                with contextlib.suppress(BaseException):
                    stream.close()


async def xlsx_file(sheets: Sequence[Sheet], language: str, zone: ZoneInfo) -> str:
    """The workbook written to a temporary file; its path (the caller sends and deletes it)."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    await xlsx_write(sheets, language, zone, handle.name)
    return handle.name

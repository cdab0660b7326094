"""Sending an export: a streamed CSV or a finished workbook file, named by what and when."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator

from litestar.background_tasks import BackgroundTask
from litestar.response import File, Stream

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _name(stem: str, suffix: str) -> str:
    return f"{stem}-{dt.datetime.now(dt.UTC).strftime('%Y%m%d-%H%M%S')}.{suffix}"


def csv_download(chunks: AsyncIterator[bytes], stem: str) -> Stream:
    """The CSV as it is written."""
    return Stream(
        chunks,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_name(stem, "csv")}"'},
    )


def xlsx_download(path: str, stem: str) -> File:
    """The workbook at ``path``, deleted once sent."""
    return File(
        path,
        filename=_name(stem, "xlsx"),
        media_type=XLSX,
        background=BackgroundTask(os.unlink, path),
    )

"""Reading a catalogue from a spreadsheet (.xlsx or .csv), as the roster import reads files.

The header row names the columns, in Chinese or English, in any order: 名称 (name,
required), 规格 (specification), 单位 (unit). Every row is checked on its own; a row with
a problem is reported with its line and left out, the others are imported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

from server.catalogues.service import LIMITS
from server.i18n import N_
from server.rosters.reader import FileProblem, file_kind, read_table

COLUMNS = {
    "name": ("名称", ("name", "品名", "药品名称", "物资名称", "商品名称")),
    "specification": ("规格", ("specification", "spec", "规格型号")),
    "unit": ("单位", ("unit", "计量单位")),
}
"""Each column: the header the template uses, and other headers accepted."""
MESSAGES = {
    "row_name_missing": N_("Line {line}: the name is empty."),
    "row_too_long": N_("Line {line}: {column} is too long (at most {limit} characters)."),
    "file_name_column": N_("The file has no 名称 (name) column."),
    "file_empty": N_("The file has no items."),
}
"""What each problem says."""
HEADERS = {
    "name": N_("Name"),
    "specification": N_("Specification"),
    "unit": N_("Unit"),
}


@dataclass
class Checked:
    """A file's rows: those to import, and the problems of the others."""

    rows: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    """``{code, params}``; ``params`` has the row's ``line``."""


def _key(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", text).lower()


def _positions(header: list[str]) -> dict[str, int]:
    names = {}
    for key, (title, aliases) in COLUMNS.items():
        for alias in (title, key, *aliases):
            names.setdefault(_key(alias), key)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(_key(cell))
        if key is not None and key not in positions:
            positions[key] = index
    if "name" not in positions:
        raise FileProblem("file_name_column")
    return positions


def read(filename: str, data: bytes) -> Checked:
    """Every data row of the file checked; FileProblem when the file cannot be read."""
    table = read_table(data, file_kind(filename))
    if not table:
        raise FileProblem("file_empty")
    positions = _positions(table[0])
    checked = Checked()
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        values = {
            key: " ".join(cells[i].split()) if i < len(cells) else ""
            for key, i in ((k, positions.get(k, len(cells))) for k in COLUMNS)
        }
        if not values["name"]:
            checked.problems.append({"code": "row_name_missing", "params": {"line": line}})
            continue
        too_long = [k for k, limit in LIMITS.items() if len(values[k]) > limit]
        if too_long:
            params = {"line": line, "column": too_long[0], "limit": LIMITS[too_long[0]]}
            checked.problems.append({"code": "row_too_long", "params": params})
            continue
        checked.rows.append(values)
    if not checked.rows and not checked.problems:
        raise FileProblem("file_empty")
    return checked


def template_csv() -> bytes:
    """An empty catalogue file with its header (UTF-8 with a BOM, so Excel reads it)."""
    out = io.StringIO()
    csv.writer(out).writerow([title for title, _ in COLUMNS.values()])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The same as an Excel workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = "目录"
    sheet.append([title for title, _ in COLUMNS.values()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Reading a household roster (.xlsx or .csv) and checking every row before anything is written.

The header row names the columns, in Chinese or English, in any order:

- 户编号 (code): required, unique in the file, at most 32 characters;
- 户主姓名 (head of household): required;
- 村 (village): a village within your areas, written 村, or 镇/村, or 区/镇/村
  when names repeat;
- 地址 (address);
- 家庭成员 (members): ``姓名/关系/出生年`` per person, people separated by ``；``
  (or ``;``, or a new line); relation and year may be left out, e.g.
  ``王建国/户主/1965；李秀英/配偶/1968；王小军``;
- 联系电话 (phone): a mobile (11 digits) or a landline (0xx-xxxxxxx), or empty;
- 户类型 (poverty status): as you write it, e.g. 脱贫户, 监测户;
- 备注 (notes).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from server import phones
from server.i18n import N_

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 64
MAX_UNPACKED = 100 * 1024 * 1024
"""What an .xlsx (a zip of XML files) may unpack to."""
MAX_MEMBERS = 50


@dataclass(frozen=True)
class Column:
    """A roster column: its key, the header the template uses, other headers accepted."""

    key: str
    header: str
    aliases: tuple[str, ...]
    max_length: int
    required: bool = False


COLUMNS = (
    Column("code", "户编号", ("household code", "code", "户号", "编号", "户码"), 32, True),
    Column("head_name", "户主姓名", ("head of household", "head", "户主", "户主名"), 64, True),
    Column("village", "村", ("village", "所在村", "村名", "行政村"), 255, True),
    Column("address", "地址", ("address", "住址", "家庭住址"), 200),
    Column("members", "家庭成员", ("members", "成员"), 4000),
    Column("phone", "联系电话", ("phone", "电话", "手机", "手机号"), 32),
    Column("poverty_status", "户类型", ("poverty status", "脱贫状态", "帮扶类型", "类别"), 32),
    Column("notes", "备注", ("notes", "说明"), 2000),
)
TEXT_FIELDS = ("head_name", "address", "phone", "poverty_status", "notes")
"""The household's own fields a row sets (besides its code, village and members)."""

MESSAGES = {
    "missing_code": N_("The household code is missing."),
    "duplicate_code": N_(
        "The household code {code} appears more than once in the file (rows {rows})."
    ),
    "missing_head": N_("The head of household is missing."),
    "missing_village": N_("The village is missing."),
    "unknown_village": N_("There is no village “{village}” in your areas."),
    "ambiguous_village": N_(
        "More than one village is called “{village}”: write it as township/village."
    ),
    "bad_phone": N_("“{phone}” is not a mobile (11 digits) or landline (0xx-xxxxxxx) number."),
    "bad_member": N_("Cannot read the member “{member}”: write name/relation/birth year."),
    "bad_birth_year": N_("The birth year of {name} is not a year."),
    "too_many_members": N_("More than 50 members."),
    "too_long": N_("{column} is too long (at most {limit} characters)."),
    "other_area": N_("Household {code} already exists outside your areas."),
    "moved": N_(
        "Household {code} is already on the roster in {village}; "
        "an import does not move households between villages."
    ),
    # Problems with the whole file.
    "file_type": N_("Upload an .xlsx or .csv file."),
    "file_large": N_("The file is too large (at most 10 MB)."),
    "file_unpacked": N_(
        "The spreadsheet unpacks to more than 100 MB; save it again as a plain .xlsx."
    ),
    "file_unreadable": N_("The file cannot be read as a spreadsheet."),
    "file_columns": N_("The header row lacks these columns: {columns}."),
    "file_empty": N_("The file has no households."),
    "file_rows": N_("The file has more than 50,000 rows; split it."),
}
"""What each problem code says (``{params}`` from the problem)."""
HEADERS = {
    "code": N_("Household code"),
    "head_name": N_("Head of household"),
    "village": N_("Village"),
    "address": N_("Address"),
    "members": N_("Members"),
    "phone": N_("Phone"),
    "poverty_status": N_("Status"),
    "notes": N_("Notes"),
}
"""Column names as problems mention them."""

_MEMBER_SPLIT = re.compile(r"[;；\n]+")
_PART_SPLIT = re.compile(r"[/／]")


class FileProblem(Exception):
    """The file as a whole cannot be read; ``code`` is a ``MESSAGES`` key."""

    def __init__(self, code: str, /, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Row:
    """One data row: its line in the file, its values, and what is wrong with it."""

    line: int
    values: dict[str, Any]
    problems: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, code: str, /, **params: Any) -> None:
        self.problems.append({"code": code, "params": params})


# --- reading ------------------------------------------------------------------------


def file_kind(filename: str) -> str:
    """``xlsx`` or ``csv`` from the file's name, else FileProblem."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".csv"):
        return suffix[1:]
    raise FileProblem("file_type")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _check_unpacked(data: bytes) -> None:
    """Refuse an .xlsx whose parts unpack to more than ``MAX_UNPACKED`` (a zip bomb).

    The sizes the zip declares are the most it unpacks: reading stops there.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise FileProblem("file_unreadable") from error
    if unpacked > MAX_UNPACKED:
        raise FileProblem("file_unpacked")


def _sheet_rows(sheet: Any) -> list[list[str]]:
    """The sheet's rows as text, at most ``MAX_COLUMNS`` wide and one row past ``MAX_ROWS``
    (a sheet that declares a million rows or columns is not read whole)."""
    rows = []
    for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
        rows.append([_cell(v) for v in row])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


def read_table(data: bytes, kind: str) -> list[list[str]]:
    """Every row of the file's first sheet as text cells, the header first."""
    if len(data) > MAX_BYTES:
        raise FileProblem("file_large")
    try:
        if kind == "xlsx":
            _check_unpacked(data)
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                rows = _sheet_rows(book.worksheets[0])
            finally:
                book.close()
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("gb18030")  # what Chinese Excel saves as "CSV"
            rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    except FileProblem:
        raise
    except Exception as error:  # openpyxl and csv raise many kinds for a broken file
        raise FileProblem("file_unreadable") from error
    return rows


def _header_key(text: str) -> str:
    return re.sub(r"[\s*＊:：]", "", text).lower()


def column_positions(header: list[str]) -> dict[str, int]:
    """Which cell holds which column; FileProblem when a required one is missing."""
    names = {_header_key(c.header): c.key for c in COLUMNS}
    for column in COLUMNS:
        for alias in (column.key, *column.aliases):
            names.setdefault(_header_key(alias), column.key)
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = names.get(_header_key(cell))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise FileProblem("file_columns", columns="、".join(missing))
    return positions


def rows_of(table: list[list[str]]) -> list[Row]:
    """The data rows (blank ones skipped), each checked on its own."""
    if not table:
        raise FileProblem("file_empty")
    positions = column_positions(table[0])
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        values = {
            c.key: cells[positions[c.key]]
            if c.key in positions and positions[c.key] < len(cells)
            else ""
            for c in COLUMNS
        }
        rows.append(_check(Row(line, values)))
        if len(rows) > MAX_ROWS:
            raise FileProblem("file_rows")
    if not rows:
        raise FileProblem("file_empty")
    return rows


# --- checking -----------------------------------------------------------------------


def _check(row: Row) -> Row:
    values = row.values
    for column in COLUMNS:
        text = values[column.key]
        # Runs of spaces collapse, except in the members cell, where new lines separate people.
        values[column.key] = text.strip() if column.key == "members" else " ".join(text.split())
        if len(values[column.key]) > column.max_length:
            row.problem("too_long", column=column.key, limit=column.max_length)
    if not values["code"]:
        row.problem("missing_code")
    if not values["head_name"]:
        row.problem("missing_head")
    if not values["village"]:
        row.problem("missing_village")
    values["phone"] = phones.normal(values["phone"])
    if values["phone"] and not phones.valid(values["phone"]):
        row.problem("bad_phone", phone=values["phone"])
    values["members"] = _members(row, values["members"])
    return row


def _member(row: Row, part: str) -> dict[str, Any] | None:
    pieces = [p.strip() for p in _PART_SPLIT.split(part)] + ["", ""]
    name, relation, year = pieces[0], pieces[1], pieces[2].removesuffix("年").strip()
    if len(pieces) > 5 or not name or len(name) > 64 or len(relation) > 32:
        row.problem("bad_member", member=part)
        return None
    if year and not (year.isdecimal() and 1900 <= int(year) <= dt.date.today().year + 1):
        row.problem("bad_birth_year", name=name)
        return None
    return {"name": name, "relation": relation, "birth_year": int(year) if year else None}


def _members(row: Row, cell: str) -> list[dict[str, Any]]:
    parts = [p.strip() for p in _MEMBER_SPLIT.split(cell) if p.strip()]
    members = [m for m in (_member(row, part) for part in parts) if m is not None]
    if len(members) > MAX_MEMBERS:
        row.problem("too_many_members")
    return members


def mark_duplicates(rows: list[Row]) -> None:
    """Every row whose code appears more than once in the file gets a problem."""
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.values["code"]:
            lines[row.values["code"]].append(row.line)
    for row in rows:
        seen = lines.get(row.values["code"], [])
        if len(seen) > 1:
            row.problem(
                "duplicate_code", code=row.values["code"], rows="、".join(str(n) for n in seen)
            )


def village_index(villages: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Village ids by every way a row may name them: 村, 镇/村, 区/镇/村.

    ``villages`` are area rows with ``place`` (``"区 / 镇 / 村"``).
    """
    index: dict[str, list[int]] = defaultdict(list)
    for village in villages:
        names = [n.strip() for n in village["place"].split(" / ")]
        for start in range(len(names)):
            index["/".join(names[start:])].append(village["id"])
    return index


def resolve_village(row: Row, index: dict[str, list[int]]) -> None:
    """Set ``village_id`` from the village cell, or note why it cannot be."""
    name = row.values["village"]
    if not name:
        return
    key = "/".join(p.strip() for p in _PART_SPLIT.split(name) if p.strip())
    found = index.get(key, [])
    if len(found) == 1:
        row.values["village_id"] = found[0]
    elif found:
        row.problem("ambiguous_village", village=name)
    else:
        row.problem("unknown_village", village=name)


def canonical(values: dict[str, Any]) -> dict[str, Any]:
    """What a row sets, the way imports compare it (members without ids)."""
    return {
        "code": values["code"],
        "village_id": values["village_id"],
        **{name: values[name] for name in TEXT_FIELDS},
        "members": [
            {"name": m["name"], "relation": m["relation"], "birth_year": m["birth_year"]}
            for m in values["members"]
        ],
    }


def row_hash(values: dict[str, Any]) -> str:
    """Equal hashes: the row sets exactly the same things."""
    text = json.dumps(canonical(values), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# --- the template -------------------------------------------------------------------

EXAMPLE = {
    "code": "420304001001",
    "head_name": "王建国",
    "village": "大柳乡/华家河村",
    "address": "华家河村3组12号",
    "members": "王建国/户主/1965；李秀英/配偶/1968；王小军/子女/2009",
    "phone": "13812345678",
    "poverty_status": "脱贫户",
    "notes": "",
}
GUIDE = {
    "code": "必填；每户唯一，最多32个字符",
    "head_name": "必填",
    "village": "必填；写村名，重名时写“乡镇/村”或“区县/乡镇/村”",
    "address": "选填",
    "members": "每人写“姓名/关系/出生年”，多人用“；”隔开；关系和出生年可不填",
    "phone": "手机号（11位）或座机（如0719-1234567），可不填",
    "poverty_status": "如：脱贫户、监测户、低保户",
    "notes": "选填",
}


def template_csv() -> bytes:
    """The header row as CSV (UTF-8 with a BOM, so Excel shows the Chinese)."""
    out = io.StringIO()
    csv.writer(out).writerow([c.header for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """A workbook: the header row on the first sheet, an explanation and example on the second."""
    book = Workbook()
    sheet = book.active
    sheet.title = "住户名单"
    sheet.append([c.header for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = 40 if column.key == "members" else 16
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列", "说明", "示例"])
    for column in COLUMNS:
        guide.append([column.header, GUIDE[column.key], EXAMPLE[column.key]])
    guide.column_dimensions["B"].width = 60
    guide.column_dimensions["C"].width = 50
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

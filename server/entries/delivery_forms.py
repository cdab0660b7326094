"""The 送药, 物资 and 购买 forms: what they show, and turning a posted form into its entry.

The phone builds the same entries from the same fields (``web/static/deliveries.js``);
this is the path without JavaScript or a service worker.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from server.entries.kinds.supply_handout import OCCASIONS
from server.entries.prepared import Problem
from server.i18n import N_

ROWS = 3
"""Item rows a form shows (empty rows are left out of the entry)."""
LINE_FIELDS = {
    "medicine_delivery": (
        "item_id",
        "quantity",
        "unit",
        "lot",
        "expiry_date",
        "dose",
        "days_supply",
        "trace_code",
    ),
    "supply_handout": ("item_id", "quantity", "unit"),
}
FIELDS = {
    "medicine_delivery": ("member_id", "delivered_at", "hospital", "doctor", "note"),
    "supply_handout": (
        "handed_at",
        "occasion",
        "occasion_note",
        "note",
        "place",
        "people",
        "description",
    ),
    "purchase": ("bought_at", "item_id", "quantity", "unit", "amount", "note"),
}
TIME_FIELD = {
    "medicine_delivery": "delivered_at",
    "supply_handout": "handed_at",
    "purchase": "bought_at",
}
OCCASION_LABELS = {
    "pairing": N_("Pairing support"),
    "new_year": N_("New Year delivery"),
    "disaster": N_("Disaster relief"),
    "other": N_("Other"),
}
"""结对帮扶, 博爱送万家, 救灾, 其他."""
MESSAGES = {
    "items_missing": N_("Choose at least one item and its quantity."),
    "bad_number": N_("Enter a whole number."),
    "bad_yuan": N_("Enter the amount in yuan, e.g. 12.50."),
}
"""Problems only a form can have."""
_YUAN = re.compile(r"^(\d{1,7})(?:\.(\d+))?$")


def yuan_to_fen(text: str) -> tuple[int | None, str]:
    """``"12.50"`` as 1250 fen, exactly (no float); ``(None, code)`` when it is not an
    amount (``bad_yuan``) or has a fraction of a fen (``amount_not_whole_fen``)."""
    match = _YUAN.match(text.strip().replace("，", ".").replace("¥", ""))
    if not match:
        return None, "bad_yuan"
    whole, fraction = match.group(1), match.group(2) or ""
    if len(fraction.rstrip("0")) > 2:
        return None, "amount_not_whole_fen"
    return int(whole) * 100 + int((fraction + "00")[:2]), ""


def slot(field: str) -> str:
    """Where a problem in the data shows on the form: ``items[1].quantity`` is the field
    ``items.1.quantity``; ``amount_fen`` is the amount in yuan."""
    name = re.sub(r"\[(\d+)\]", r".\1", field)
    return {"amount_fen": "amount", "group.place": "place", "group.people": "people"}.get(
        name, name
    )


def blank(kind: str, household_id: int | None, zone: ZoneInfo) -> dict[str, Any]:
    """A fresh form: a new entry id and the render time (the entry's device time)."""
    now = dt.datetime.now(zone).replace(microsecond=0)
    values: dict[str, Any] = {key: "" for key in FIELDS[kind]}
    for index in range(ROWS):
        for key in LINE_FIELDS.get(kind, ()):
            values[f"items.{index}.{key}"] = ""
    values.update(
        entry_id=str(uuid.uuid4()),
        recorded_at=now.isoformat(),
        household_id="" if household_id is None else str(household_id),
        **{TIME_FIELD[kind]: now.strftime("%Y-%m-%dT%H:%M")},
    )
    if kind == "supply_handout":
        values["occasion"] = "pairing"
    return values


def values_of(kind: str, form: Any) -> dict[str, Any]:
    """What was typed, kept exactly as typed so an error never loses it."""
    keys = ["entry_id", "recorded_at", *FIELDS[kind]]
    keys += [f"items.{i}.{k}" for i in range(ROWS) for k in LINE_FIELDS.get(kind, ())]
    return {key: str(form.get(key, "")) for key in keys}


def _local_time(value: str, zone: ZoneInfo) -> str | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).isoformat()


def _number(value: str, name: str, problems: list[Problem], *, whole: bool = True) -> Any:
    try:
        return int(value) if whole else float(value)
    except ValueError:
        problems.append(Problem("bad_number" if whole else "bad_quantity", name))
        return None


def _lines(kind: str, values: dict[str, Any], problems: list[Problem]) -> list[dict[str, Any]]:
    lines = []
    for index in range(ROWS):
        field = {k: values[f"items.{index}.{k}"].strip() for k in LINE_FIELDS[kind]}
        if not field["item_id"]:
            continue
        line: dict[str, Any] = {k: v for k, v in field.items() if v}
        line["quantity"] = _number(field["quantity"], f"items.{index}.quantity", problems)
        if field.get("days_supply"):
            line["days_supply"] = _number(
                field["days_supply"], f"items.{index}.days_supply", problems
            )
        lines.append(line)
    if not lines:
        problems.append(Problem("items_missing", "items.0.item_id"))
    return lines


def to_entry(
    kind: str, values: dict[str, Any], household_id: int | None, zone: ZoneInfo
) -> tuple[dict[str, Any], list[Problem]]:
    """The entry a form describes, and problems only the form can have."""
    problems: list[Problem] = []
    time_field = TIME_FIELD[kind]
    data: dict[str, Any] = {}
    if household_id is not None:
        data["household_id"] = str(household_id)
    when = _local_time(values[time_field], zone)
    if when is None:
        problems.append(Problem("bad_time", time_field))
    data[time_field] = when
    for key in ("note", "hospital", "doctor", "member_id", "occasion", "occasion_note", "unit"):
        if key in values and values[key].strip():
            data[key] = values[key].strip()
    if kind == "purchase":
        data["item_id"] = values["item_id"].strip()
        data["quantity"] = _number(values["quantity"], "quantity", problems, whole=False)
        fen, code = yuan_to_fen(values["amount"])
        if fen is None:
            problems.append(Problem(code, "amount"))
        data["amount_fen"] = fen
    else:
        data["items"] = _lines(kind, values, problems)
    if kind == "supply_handout" and household_id is None:
        people = _number(values["people"], "people", problems)
        data["group"] = {"place": values["place"].strip(), "people": people}
        if values["description"].strip():
            data["group"]["description"] = values["description"].strip()
    entry = {
        "id": values["entry_id"],
        "kind": kind,
        "schema": 1,
        "recorded_at": values["recorded_at"],
        "data": data,
    }
    return entry, problems


def occasions() -> list[tuple[str, str]]:
    """The occasions a handout may have, with their labels (msgids)."""
    return [(o, OCCASION_LABELS[o]) for o in OCCASIONS]

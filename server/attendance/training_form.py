"""The 培训学员 form of a first-aid training (应急救护培训): what it shows, and turning a
posted form into its ``training_count`` entry.

The phone builds the same entry from the same fields (``web/static/training.js``); this is
the path without JavaScript or a service worker.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from server import phones
from server.entries.kinds.training_count import CATEGORIES
from server.entries.prepared import Problem
from server.i18n import N_

ROWS = 5
"""Trainee rows a form shows (rows without a name are left out; save again for more)."""
TRAINEE_FIELDS = ("name", "phone", "certificate", "certificate_number", "certificate_date")
CERTIFICATES = ("passed", "failed", "absent")
CATEGORY_LABELS = {
    "trainer": N_("Trainers (救护师资)"),
    "first_aider": N_("First-aiders (救护员)"),
    "public": N_("Public (普及培训)"),
}
CERTIFICATE_LABELS = {
    "passed": N_("Passed"),
    "failed": N_("Failed"),
    "absent": N_("Absent from the examination"),
}
MESSAGES = {
    "category_missing": N_("Choose who was trained."),
    "trainees_missing": N_("Enter at least one trainee's name, or (public training) a headcount."),
    "name_missing": N_("Enter the trainee's name."),
    "bad_number": N_("Enter a whole number."),
    "bad_phone": phones.MESSAGE,
}
"""Problems only a form can have."""
_WHOLE = re.compile(r"^\d{1,6}$")


def slot(field: str) -> str:
    """Where a problem in the data shows on the form: ``trainees[1].name`` is the field
    ``trainees.1.name``."""
    return re.sub(r"\[(\d+)\]", r".\1", field)


def blank() -> dict[str, str]:
    """A fresh form: a new entry id and the render time (the entry's device time), so
    posting it twice stores one entry."""
    values = {f"trainees.{i}.{key}": "" for i in range(ROWS) for key in TRAINEE_FIELDS}
    values.update(
        entry_id=str(uuid.uuid4()),
        recorded_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        category="",
        headcount="",
    )
    return values


def values_of(form: Any) -> dict[str, str]:
    """What was typed, kept exactly as typed so an error never loses it."""
    keys = ["entry_id", "recorded_at", "category", "headcount"]
    keys += [f"trainees.{i}.{key}" for i in range(ROWS) for key in TRAINEE_FIELDS]
    return {key: str(form.get(key, "")) for key in keys}


def _trainees(category: str, values: dict[str, str], problems: list[Problem]) -> list[dict]:
    trainees = []
    for index in range(ROWS):
        field = {k: values[f"trainees.{index}.{k}"].strip() for k in TRAINEE_FIELDS}
        if category != "first_aider":  # only first-aiders sit the examination
            field.update(certificate="", certificate_number="", certificate_date="")
        if not field["name"]:
            if any(field.values()):
                problems.append(Problem("name_missing", f"trainees.{index}.name"))
            continue
        field["phone"] = phones.normal(field["phone"])
        if field["phone"] and not phones.valid(field["phone"]):
            problems.append(Problem("bad_phone", f"trainees.{index}.phone"))
        trainee = {k: v for k, v in field.items() if v}
        trainees.append(trainee)
    return trainees


def to_entry(values: dict[str, str], activity_id: int) -> tuple[dict[str, Any], list[Problem]]:
    """The entry a form describes, and problems only the form can have."""
    problems: list[Problem] = []
    category = values["category"]
    if category not in CATEGORIES:
        problems.append(Problem("category_missing", "category"))
    data: dict[str, Any] = {"activity_id": str(activity_id), "category": category}
    data["trainees"] = _trainees(category, values, problems)
    headcount = values["headcount"].strip() if category == "public" else ""
    if headcount and not _WHOLE.match(headcount):
        problems.append(Problem("bad_number", "headcount"))
    elif headcount and int(headcount):
        data["headcount"] = int(headcount)
    if not data["trainees"] and "headcount" not in data and not problems:
        problems.append(Problem("trainees_missing", "trainees.0.name"))
    entry = {
        "id": values["entry_id"],
        "kind": "training_count",
        "schema": 1,
        "recorded_at": values["recorded_at"],
        "data": data,
    }
    return entry, problems

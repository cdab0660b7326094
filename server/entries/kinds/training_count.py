"""``training_count`` (schema 1): who was trained at a first-aid training (应急救护培训), per
category — 救护师资 ``trainer``, 救护员 ``first_aider`` (each with the certificate result:
``passed``, ``failed`` or ``absent``, and the certificate's number and date), 普及培训
``public`` (by name, or only a ``headcount`` for a crowd).

Recorded by whoever manages the activity (its coordinator, its team's leader). Totals give
人 (distinct people: a name with its phone; a headcount adds its number, as a crowd cannot
be told apart) and 人次 (one per trainee row, plus headcounts), each category apart
(``server/attendance/trainings.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct
from piccolo.columns import ForeignKey, Integer, Varchar
from piccolo.table import Table

from server import scope
from server.activities.tables import Activity
from server.actor import Actor
from server.entries.kinds.attendance_mark import CORRECTIONS
from server.entries.kinds.base import Kind
from server.entries.prepared import Prepared, Problem, decode_problem, id_of
from server.entries.tables import Entry
from server.i18n import N_

CATEGORIES = ("trainer", "first_aider", "public")
MESSAGES = {
    "not_a_training": N_("This activity is not a first-aid training you manage."),
    "certificate_only_first_aiders": N_("Only first-aiders (救护员) have a certificate result."),
    "headcount_only_public": N_("Only public training (普及培训) may give a headcount."),
    "bad_certificate_date": N_("The certificate date is not a date (YYYY-MM-DD)."),
}

Name = Annotated[str, Meta(min_length=1, max_length=50)]


class Trainee(Struct, forbid_unknown_fields=True):
    """One person trained."""

    name: Name
    phone: Annotated[str, Meta(max_length=32)] = ""
    certificate: Literal["passed", "failed", "absent"] | None = None
    """救护员 only: passed, failed, or absent from the examination."""
    certificate_number: Annotated[str, Meta(max_length=40)] = ""
    certificate_date: Annotated[str, Meta(max_length=10)] = ""


class TrainingCountV1(Struct, forbid_unknown_fields=True):
    """``training_count`` schema 1: trainees of one category at one training."""

    activity_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    category: Literal["trainer", "first_aider", "public"]
    trainees: Annotated[list[Trainee], Meta(max_length=500)] = msgspec.field(default_factory=list)
    headcount: Annotated[int, Meta(ge=0, le=100_000)] = 0
    """普及培训 for a crowd: how many, without names."""


class TrainingCount(Table):
    """One stored ``training_count`` entry."""

    entry = ForeignKey(references=Entry, unique=True)
    activity = ForeignKey(references=Activity, index=True)
    category = Varchar(length=16)
    headcount = Integer(default=0)


class TrainingTrainee(Table):
    """A trainee of a ``training_count`` entry (its rows, so people are counted in SQL)."""

    entry = ForeignKey(references=Entry, index=True)
    activity = ForeignKey(references=Activity, index=True)
    category = Varchar(length=16)
    name = Varchar(length=50)
    phone = Varchar(length=32, default="")
    certificate = Varchar(length=8, default="")
    certificate_number = Varchar(length=40, default="")
    certificate_date = Varchar(length=10, default="")


def _problem(count: TrainingCountV1) -> Problem | None:
    if count.headcount and count.category != "public":
        return Problem("headcount_only_public", "headcount")
    for i, trainee in enumerate(count.trainees):
        if trainee.certificate is not None and count.category != "first_aider":
            return Problem("certificate_only_first_aiders", f"trainees[{i}].certificate")
        if trainee.certificate_date:
            try:
                dt.date.fromisoformat(trainee.certificate_date)
            except ValueError:
                return Problem("bad_certificate_date", f"trainees[{i}].certificate_date")
    return None


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a count; an accepted one writes its count row and one row per trainee."""
    assert prepared.entry is not None and prepared.entry_id is not None
    try:
        count = msgspec.convert(prepared.entry.data, TrainingCountV1)
    except msgspec.ValidationError as error:
        return decode_problem(error)
    activity_id = id_of(count.activity_id)
    activity = None
    if activity_id is not None:
        activity = await (
            Activity.select(Activity.id, Activity.kind, Activity.team, Activity.area.path)
            .where(Activity.id == activity_id)
            .first()
        )
    if activity is None or activity["kind"] != "first_aid_training":
        return Problem("not_a_training", "activity_id")
    if not scope.manages_activity(actor, activity):
        return Problem("not_a_training", "activity_id")
    if (problem := _problem(count)) is not None:
        return problem
    entry_id = prepared.entry_id
    rows: list[tuple[type[Table], dict[str, Any]]] = [
        (
            TrainingCount,
            {
                "entry": entry_id,
                "activity": activity_id,
                "category": count.category,
                "headcount": count.headcount,
            },
        )
    ]
    for trainee in count.trainees:
        values = {
            "entry": entry_id,
            "activity": activity_id,
            "category": count.category,
            "name": trainee.name.strip(),
            "phone": trainee.phone.strip(),
            "certificate": trainee.certificate or "",
            "certificate_number": trainee.certificate_number.strip(),
            "certificate_date": trainee.certificate_date,
        }
        rows.append((TrainingTrainee, values))
    prepared.rows = rows
    return None


SAMPLE = {
    "id": "7d3a2e0c-4b6f-4a8d-9c9e-3f5a71920314",
    "kind": "training_count",
    "schema": 1,
    "recorded_at": "2026-11-20T16:30:00.000+08:00",
    "data": {
        "activity_id": "12",
        "category": "first_aider",
        "trainees": [
            {
                "name": "刘春燕",
                "phone": "13907191234",
                "certificate": "passed",
                "certificate_number": "HB2026-0117",
                "certificate_date": "2026-11-20",
            },
            {"name": "王德山", "certificate": "absent"},
        ],
    },
    "attachments": [],
}

KIND = Kind(
    "training_count",
    1,
    TrainingCountV1,
    prepare,
    MESSAGES,
    SAMPLE,
    corrections=CORRECTIONS,
)

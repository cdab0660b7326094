"""志愿服务时长: service hours per person and activity, with the fields
《志愿服务记录与证明出具办法（试行）》 asks a service record to carry.

Minutes come from the one counting rule (``attendance.hours`` through
``attendance.service.activity_attendance``): verified and make-up apart. The column
names are a setting (``SERVICE_HOURS_COLUMNS``) so the file matches the national
system's import. An ID number and a phone number are personal: they are carried whole
only to a coordinator who looks after that volunteer (the scope rule); anyone else
gets the ID number masked and no phone.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import AsyncIterator
from typing import Any

from server import scope
from server.accounts.details import SEXES, mask
from server.accounts.tables import Account
from server.activities.schemas import KIND_LABELS
from server.activities.tables import Activity
from server.actor import Actor
from server.attendance import service as attendance
from server.exports.periods import Asked
from server.exports.writer import Column, Sheet, local
from server.i18n import N_, gettext

FIELDS = (
    ("volunteer_name", N_("Volunteer name"), "text"),
    ("sex", N_("Sex"), "text"),
    ("birth_date", N_("Birth date"), "date"),
    ("id_number", N_("ID number"), "text"),
    ("area", N_("Area"), "text"),
    ("phone", N_("Contact"), "text"),
    ("service_category", N_("Service category"), "text"),
    ("activity_name", N_("Activity name"), "text"),
    ("activity_date", N_("Activity date"), "date"),
    ("place", N_("Place"), "text"),
    ("content", N_("Content"), "text"),
    ("hours", N_("Service hours"), "minutes"),
    ("makeup_hours", N_("Of which make-up (补录) hours"), "minutes"),
    ("organiser", N_("Organising unit"), "text"),
    ("person_in_charge", N_("Person in charge"), "text"),
)
"""Each field of a service record: its key (what ``SERVICE_HOURS_COLUMNS`` names), its
default column name and what it holds."""
FIELD_KEYS = tuple(key for key, _, _ in FIELDS)


def columns(names: tuple[tuple[str, str], ...]) -> list[Column]:
    """The export's columns, named by the setting where it names them."""
    chosen = dict(names)
    return [
        Column(chosen.get(key, header), kind, total=kind == "minutes")
        for key, header, kind in FIELDS
    ]


async def activities(asked: Asked, kinds: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Activities held in the period in the actor's areas (under the place asked), by start."""
    path = Activity.area.path
    clauses = [
        scope.reviewed(asked.actor, path),
        await scope.place(asked.actor, path, asked.place),
        Activity.starts_at >= asked.period.start,
        Activity.starts_at < asked.period.end,
        Activity.status == "planned",
        Activity.kind.is_in(list(kinds)) if kinds else None,
    ]
    where = functools.reduce(operator.and_, [c for c in clauses if c is not None])
    return (
        await Activity.select(
            Activity.id,
            Activity.kind,
            Activity.title,
            Activity.place,
            Activity.content,
            Activity.organiser,
            Activity.person_in_charge,
            Activity.starts_at,
            Activity.counts_as_service,
        )
        .where(where)
        .order_by(Activity.starts_at)
        .order_by(Activity.id)
    )


async def _people(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Account.select(
        Account.id,
        Account.display_name,
        Account.role,
        Account.sex,
        Account.birth_date,
        Account.id_number,
        Account.phone,
        Account.team.area.path,
        Account.team.area.name,
    ).where(Account.id.is_in(sorted(ids)))
    return {r["id"]: r for r in rows}


def _person_cells(actor: Actor, person: dict[str, Any], language: str) -> list[Any]:
    allowed = scope.looks_after(actor, person)
    sex = SEXES.get(person["sex"])
    return [
        person["display_name"],
        gettext(language, sex) if sex else "",
        person["birth_date"],
        person["id_number"] if allowed else mask(person["id_number"]),
        person["team.area.name"] or "",
        person["phone"] if allowed else "",
    ]


async def rows(asked: Asked, kinds: tuple[str, ...] = ()) -> AsyncIterator[list[Any]]:
    """One row per person and activity with time served (verified plus make-up)."""
    language, zone = asked.language, asked.zone
    for activity in await activities(asked, kinds):
        if not activity["counts_as_service"]:
            continue
        _, counted, _ = await attendance.activity_attendance(activity["id"], zone)
        served = [a for a in counted if a.verified_minutes + a.makeup_minutes > 0]
        people = await _people({a.person_id for a in served})
        label = KIND_LABELS.get(activity["kind"], activity["kind"])
        for a in sorted(served, key=lambda a: people[a.person_id]["display_name"]):
            yield [
                *_person_cells(asked.actor, people[a.person_id], language),
                gettext(language, label),
                activity["title"],
                local(activity["starts_at"], zone).date(),
                activity["place"],
                activity["content"],
                a.verified_minutes + a.makeup_minutes,
                a.makeup_minutes,
                activity["organiser"],
                activity["person_in_charge"],
            ]


def sheet(
    asked: Asked, title: str = N_("Volunteer service hours"), kinds: tuple[str, ...] = ()
) -> Sheet:
    """The service-hours sheet for a period and area (activities of ``kinds`` only, if
    given)."""
    return Sheet(title, columns(asked.names), rows(asked, kinds), widths={3: 22, 7: 24, 10: 30})

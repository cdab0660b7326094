"""``medicine_delivery`` (schema 1): medicine taken to a household member (免费送医送药).

Each item comes from the medicine catalogue, with its quantity and unit, and optionally
its lot, expiry date, dose, days' supply and drug traceability code (药品追溯码). The
partner hospital or clinic that dispensed it and the doctor who came along are optional.
The recipient's signature and photos are the entry's ``attachments``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from msgspec import Meta, Struct
from piccolo.columns import UUID as UUIDColumn
from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from server.accounts.tables import Account
from server.actor import Actor
from server.catalogues.tables import CatalogueItem
from server.entries.kinds import catalogued
from server.entries.kinds.base import SIGNATURE, Kind, Listed
from server.entries.kinds.catalogued import Count, HouseholdId, ItemId, Short, Time, Unit
from server.entries.kinds.catalogued import Date as DateText
from server.entries.kinds.catalogued import Text as Note
from server.entries.prepared import Prepared, Problem
from server.entries.tables import Entry
from server.households.tables import Household
from server.i18n import N_

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

MESSAGES = {
    **catalogued.MESSAGES,
    "medicine_expired": N_("A medicine had expired before it was delivered ({field})."),
    "bad_trace_code": N_("A drug traceability code has only digits and letters ({field})."),
}
"""The codes this kind adds."""


class MedicineDelivery(Table):
    """Medicine taken to one member of a household."""

    entry = ForeignKey(references=Entry, unique=True)
    household = ForeignKey(references=Household, index=True)
    member = UUIDColumn(index=True)
    """The member (``Member.id``) who received it."""
    volunteer = ForeignKey(references=Account, index=True)
    delivered_at = Timestamptz(index=True)
    hospital = Varchar(length=100, default="")
    """The partner hospital or clinic that dispensed it."""
    doctor = Varchar(length=100, default="")
    """The doctor who came along, if any."""
    note = Text(default="")


class MedicineDeliveryItem(Table):
    """One medicine of a delivery."""

    entry = ForeignKey(references=Entry, index=True)
    """The delivery's entry (its ``MedicineDelivery`` has the same)."""
    line = Integer()
    item = ForeignKey(references=CatalogueItem, index=True)
    quantity = Integer()
    unit = Varchar(length=16, default="")
    lot = Varchar(length=40, default="")
    expiry_date = Date(null=True, default=None)
    dose = Varchar(length=100, default="")
    days_supply = Integer(null=True, default=None)
    trace_code = Varchar(length=64, default="")


class MedicineLine(Struct, forbid_unknown_fields=True):
    """One medicine handed over."""

    item_id: ItemId
    """A medicine of the medicine catalogue (its name and specification are there)."""
    quantity: Count
    unit: Unit = ""
    lot: Annotated[str, Meta(max_length=40)] = ""
    """Lot or batch number (批号)."""
    expiry_date: DateText = ""
    """``YYYY-MM-DD``, or empty."""
    dose: Short = ""
    """How to take it, e.g. 每日一次，每次一片."""
    days_supply: Annotated[int, Meta(ge=1, le=366)] | None = None
    trace_code: Annotated[str, Meta(max_length=64)] = ""
    """药品追溯码, scanned or typed: digits and letters (usually 20 digits)."""


class MedicineDeliveryV1(Struct, forbid_unknown_fields=True):
    """``medicine_delivery`` schema 1: medicine taken to a household member."""

    household_id: HouseholdId
    member_id: Annotated[str, Meta(pattern=UUID_PATTERN)]
    """The member who received it (a stable id, as pull sends members)."""
    items: Annotated[list[MedicineLine], Meta(min_length=1, max_length=20)]
    delivered_at: Time | None = None
    """Defaults to the entry's ``recorded_at``."""
    hospital: Short = ""
    doctor: Short = ""
    note: Note = ""


def _line_problem(line: MedicineLine, where: str, when: dt.datetime) -> Problem | None:
    expiry, problem = catalogued.date_of(line.expiry_date, f"{where}.expiry_date")
    if problem:
        return problem
    if expiry is not None and expiry < when.date():
        return Problem("medicine_expired", f"{where}.expiry_date")
    code = line.trace_code
    if code and not (code.isascii() and code.isalnum()):
        return Problem("bad_trace_code", f"{where}.trace_code")
    return None


def rows(
    entry_id: uuid.UUID, actor: Actor, delivery: MedicineDeliveryV1, when: dt.datetime
) -> list[tuple[type[Table], dict[str, Any]]]:
    """The delivery's row and one row per medicine."""
    head = {
        "entry": entry_id,
        "household": int(delivery.household_id),
        "member": uuid.UUID(delivery.member_id),
        "volunteer": actor.id,
        "delivered_at": when.astimezone(dt.UTC),
        "hospital": delivery.hospital.strip(),
        "doctor": delivery.doctor.strip(),
        "note": delivery.note.strip(),
    }
    lines: list[tuple[type[Table], dict[str, Any]]] = [
        (
            MedicineDeliveryItem,
            {
                "entry": entry_id,
                "line": index,
                "item": int(line.item_id),
                "quantity": line.quantity,
                "unit": line.unit.strip(),
                "lot": line.lot.strip(),
                "expiry_date": dt.date.fromisoformat(line.expiry_date)
                if line.expiry_date
                else None,
                "dose": line.dose.strip(),
                "days_supply": line.days_supply,
                "trace_code": line.trace_code,
            },
        )
        for index, line in enumerate(delivery.items)
    ]
    return [(MedicineDelivery, head), *lines]


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a delivery; an accepted one writes its rows."""
    assert prepared.entry is not None and prepared.recorded_at is not None
    delivery, problem = catalogued.decoded(prepared.entry.data, MedicineDeliveryV1)
    if delivery is None:
        return problem
    when, problem = catalogued.event_time(
        delivery.delivered_at, prepared.recorded_at, "delivered_at"
    )
    if when is None:
        return problem
    found = await catalogued.lookups_of(prepared)
    for index, line in enumerate(delivery.items):
        where = f"items[{index}]"
        if problem := catalogued.item_problem(found, line.item_id, "medicine", f"{where}.item_id"):
            return problem
        if problem := _line_problem(line, where, when):
            return problem
    household_id = int(delivery.household_id)
    if problem := catalogued.scope_problem(prepared, household_id):
        return problem
    if problem := catalogued.member_problem(found, delivery.member_id, household_id):
        return problem
    assert prepared.entry_id is not None
    prepared.rows = rows(prepared.entry_id, actor, delivery, when)
    return None


SAMPLE = {
    "id": "9e41c7b2-6f0d-4a83-b5e2-1c7d9a3f6b08",
    "kind": "medicine_delivery",
    "schema": 1,
    "recorded_at": "2026-11-20T11:35:52.204+08:00",
    "data": {
        "household_id": "1024",
        "member_id": "6a1f3c9e-2d4b-4e8a-9f17-5c3b8d2e7a40",
        "delivered_at": "2026-11-20T11:20:00+08:00",
        "items": [
            {
                "item_id": "12",
                "quantity": 2,
                "unit": "盒",
                "lot": "20260815",
                "expiry_date": "2028-08-14",
                "dose": "每日一次，每次一片",
                "days_supply": 56,
                "trace_code": "81234560012345678901",
            }
        ],
        "hospital": "柳陂镇卫生院",
        "doctor": "李医生",
        "note": "血压控制平稳",
    },
    "attachments": [],
}


async def listed(household_id: int, limit: int) -> list[Listed]:
    """A household's entries of this kind for its page (``catalogued.listed``)."""
    return await catalogued.listed(
        "medicine_delivery",
        MedicineDelivery,
        MedicineDelivery.delivered_at,
        household_id,
        limit,
        lines=MedicineDeliveryItem,
    )


KIND = Kind(
    "medicine_delivery",
    1,
    MedicineDeliveryV1,
    prepare,
    MESSAGES,
    SAMPLE,
    preload=catalogued.preload,
    listed=listed,
    corrections=catalogued.CORRECTIONS,
    attachments=(SIGNATURE,),
)

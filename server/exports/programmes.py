"""The monthly and annual report: one workbook for a period and an area, one sheet per
programme (走访, 送医送药, 博爱送万家, 消费扶贫, 应急救护培训, 无偿献血志愿服务, 志愿服务时长).

Each sheet lists the records of its programme: only the latest entry of a correction chain
(``chains.latest``), nothing of a voided one, flagged ones marked in a column; every read
goes through the scope rule. Records are read ``CHUNK`` at a time along their indexed time.
"""

from __future__ import annotations

import functools
import json
import operator
from collections.abc import AsyncIterator, Callable
from typing import Any

from piccolo.table import Table

from server import scope
from server.attendance import service as attendance
from server.attendance.trainings import totals as training_totals
from server.entries import chains, flags
from server.entries.forms import AREA_LABELS
from server.entries.kinds.medicine_delivery import MedicineDelivery, MedicineDeliveryItem
from server.entries.kinds.purchase import Purchase
from server.entries.kinds.supply_handout import SupplyHandout, SupplyHandoutItem
from server.entries.kinds.visit import Visit
from server.exports import hours
from server.exports.periods import Asked
from server.exports.writer import Column, Sheet
from server.i18n import N_, gettext
from server.keyset import after, cursor_of

CHUNK = 1000
FLAG = Column(N_("Flagged"))
CATEGORY_LABELS = {
    "trainer": N_("First-aid trainers"),
    "first_aider": N_("First aiders (certified)"),
    "public": N_("Public first-aid awareness"),
}


def _flag(row: dict[str, Any], language: str) -> str:
    """What a record's flags say, in ``language`` (empty when it is not flagged)."""
    found = flags.labels(row["entry.flag"], row["entry.status"])
    return "、".join(gettext(language, words) for words in found)


async def _records(
    asked: Asked,
    table: type[Table],
    time: Callable[[], Any],
    place_path: Callable[[], Any],
    *columns: Any,
    extra: Any = None,
) -> AsyncIterator[dict[str, Any]]:
    """Rows of one kind's table in the period and area, oldest first, ``CHUNK`` at a time."""
    fixed = [
        scope.reviewed(asked.actor, place_path()),
        await scope.place(asked.actor, place_path(), asked.place),
        chains.latest(table.entry),
        time() >= asked.period.start,
        time() < asked.period.end,
        extra,
    ]
    cursor = ""
    while True:
        clauses = [*fixed, after(cursor, time(), table.id)]
        where = functools.reduce(operator.and_, [c for c in clauses if c is not None])
        found = (
            await table.select(
                table.id,
                table.entry,
                time().as_alias("at"),
                table.entry.flag,
                table.entry.status,
                *columns,
            )
            .where(where)
            .order_by(time(), table.id)
            .limit(CHUNK)
        )
        for row in found:
            yield row
        if len(found) < CHUNK:
            return
        cursor = cursor_of(found[-1]["at"], found[-1]["id"])


VISITS = (
    Column(N_("Visited at"), "time"),
    Column(N_("Village")),
    Column(N_("Household")),
    Column(N_("Household code")),
    Column(N_("Volunteer")),
    Column(N_("Companions"), "int"),
    Column(N_("Urgent needs")),
    Column(N_("Needs follow-up")),
    FLAG,
    Column(N_("Visits (户次)"), "int", True),
)


async def _visit_rows(asked: Asked):
    language = asked.language
    async for r in _records(
        asked,
        Visit,
        lambda: Visit.visited_at,
        lambda: Visit.household.village.path,
        Visit.household.village.name,
        Visit.household.head_name,
        Visit.household.code,
        Visit.volunteer.display_name,
        Visit.companions,
        *(getattr(Visit, f"{area}_level") for area in AREA_LABELS),
        Visit.follow_up,
    ):
        urgent = [
            gettext(language, label)
            for area, label in AREA_LABELS.items()
            if r[f"{area}_level"] == "urgent"
        ]
        yield [
            r["at"],
            r["household.village.name"],
            r["household.head_name"],
            r["household.code"],
            r["volunteer.display_name"],
            len(json.loads(r["companions"] or "[]")),
            "、".join(urgent),
            gettext(language, N_("Yes")) if r["follow_up"] else "",
            _flag(r, asked.language),
            1,
        ]


DELIVERIES = (
    Column(N_("Time"), "time"),
    Column(N_("Recorded as")),
    Column(N_("Village or place")),
    Column(N_("Household or activity")),
    Column(N_("Volunteer or person in charge")),
    Column(N_("Items or content")),
    Column(N_("Quantity"), "int", True),
    Column(N_("Person-times (人次)"), "int", True),
    FLAG,
)


async def _items(table: type[Table], entries: list[Any]) -> dict[Any, list[dict[str, Any]]]:
    found: dict[Any, list[dict[str, Any]]] = {}
    if not entries:
        return found
    rows = (
        await table.select(table.entry, table.item.name, table.quantity, table.unit)
        .where(table.entry.is_in(entries))
        .order_by(table.line)
    )
    for row in rows:
        found.setdefault(row["entry"], []).append(row)
    return found


async def _with_items(records: AsyncIterator[dict[str, Any]], table: type[Table]):
    """Each record with its item lines, read a chunk of records at a time."""
    batch: list[dict[str, Any]] = []
    async for row in records:
        batch.append(row)
        if len(batch) == CHUNK:
            lines = await _items(table, [r["entry"] for r in batch])
            for r in batch:
                yield r, lines.get(r["entry"], [])
            batch = []
    lines = await _items(table, [r["entry"] for r in batch])
    for r in batch:
        yield r, lines.get(r["entry"], [])


def _listed(lines: list[dict[str, Any]]) -> tuple[str, int]:
    text = "；".join(f"{x['item.name']} × {x['quantity']}{x['unit']}" for x in lines)
    return text, sum(x["quantity"] for x in lines)


async def _activity_rows(asked: Asked, kind: str):
    """Activities of ``kind`` in the period: one row each, with its attendance (人次)."""
    label = gettext(asked.language, N_("Activity"))
    for a in await hours.activities(asked, (kind,)):
        _, counted, _ = await attendance.activity_attendance(a["id"], asked.zone)
        yield [
            a["starts_at"], label, a["place"], a["title"], a["person_in_charge"],
            a["content"], None, len(counted), "",
        ]  # fmt: skip


async def _medicine_rows(asked: Asked):
    label = gettext(asked.language, N_("Medicine delivered at home"))
    records = _records(
        asked,
        MedicineDelivery,
        lambda: MedicineDelivery.delivered_at,
        lambda: MedicineDelivery.household.village.path,
        MedicineDelivery.household.village.name,
        MedicineDelivery.household.head_name,
        MedicineDelivery.volunteer.display_name,
    )
    async for r, lines in _with_items(records, MedicineDeliveryItem):
        text, quantity = _listed(lines)
        yield [
            r["at"], label, r["household.village.name"], r["household.head_name"],
            r["volunteer.display_name"], text, quantity, None, _flag(r, asked.language),
        ]  # fmt: skip
    async for row in _activity_rows(asked, "medicine_delivery"):
        yield row


def _handouts(asked: Asked, at_home: bool) -> AsyncIterator[dict[str, Any]]:
    """博爱送万家 handouts: to a household (placed by its village) or to a group (placed
    by the volunteer's team's area)."""
    path = (
        (lambda: SupplyHandout.household.village.path)
        if at_home
        else (lambda: SupplyHandout.volunteer.team.area.path)
    )
    household = SupplyHandout.household
    return _records(
        asked,
        SupplyHandout,
        lambda: SupplyHandout.handed_at,
        path,
        SupplyHandout.household.village.name,
        SupplyHandout.household.head_name,
        SupplyHandout.place,
        SupplyHandout.group,
        SupplyHandout.people,
        SupplyHandout.volunteer.display_name,
        extra=(SupplyHandout.occasion == "new_year")
        & (household.is_not_null() if at_home else household.is_null()),
    )


async def _boai_rows(asked: Asked):
    label = gettext(asked.language, N_("New Year delivery"))
    for at_home in (True, False):
        records = _handouts(asked, at_home)
        async for r, lines in _with_items(records, SupplyHandoutItem):
            text, quantity = _listed(lines)
            yield [
                r["at"], label, r["household.village.name"] or r["place"],
                r["household.head_name"] or r["group"], r["volunteer.display_name"], text,
                quantity, r["people"], _flag(r, asked.language),
            ]  # fmt: skip
    async for row in _activity_rows(asked, "boai_home"):
        yield row


PURCHASES = (
    Column(N_("Bought at"), "time"),
    Column(N_("Village")),
    Column(N_("Household")),
    Column(N_("Volunteer")),
    Column(N_("Produce")),
    Column(N_("Quantity")),
    Column(N_("Unit")),
    Column(N_("Amount (yuan)"), "fen", True),
    FLAG,
)


async def _purchase_rows(asked: Asked):
    async for r in _records(
        asked,
        Purchase,
        lambda: Purchase.bought_at,
        lambda: Purchase.household.village.path,
        Purchase.household.village.name,
        Purchase.household.head_name,
        Purchase.volunteer.display_name,
        Purchase.item.name,
        Purchase.quantity,
        Purchase.unit,
        Purchase.amount_fen,
    ):
        yield [
            r["at"], r["household.village.name"], r["household.head_name"],
            r["volunteer.display_name"], r["item.name"], r["quantity"], r["unit"],
            r["amount_fen"], _flag(r, asked.language),
        ]  # fmt: skip


TRAININGS = (
    Column(N_("Activity date"), "time"),
    Column(N_("Activity name")),
    Column(N_("Place")),
    Column(N_("Trainee category")),
    Column(N_("People (人)"), "int", True),
    Column(N_("Person-times (人次)"), "int", True),
    Column(N_("Certified"), "int", True),
)


async def _training_rows(asked: Asked):
    for a in await hours.activities(asked, ("first_aid_training",)):
        counted = await training_totals([a["id"]])
        for category, label in CATEGORY_LABELS.items():
            got = counted[category]
            if got["person_times"]:
                yield [
                    a["starts_at"], a["title"], a["place"], gettext(asked.language, label),
                    got["people"], got["person_times"], got["passed"],
                ]  # fmt: skip


def workbook(asked: Asked) -> list[Sheet]:
    """The report's sheets, in the order the Red Cross reports them."""
    blood = N_("Blood donation volunteer service")
    return [
        Sheet(N_("Visits"), VISITS, _visit_rows(asked)),
        Sheet(N_("Medicine delivery"), DELIVERIES, _medicine_rows(asked)),
        Sheet(N_("Boai to every home"), DELIVERIES, _boai_rows(asked)),
        Sheet(N_("Consumption support"), PURCHASES, _purchase_rows(asked)),
        Sheet(N_("First-aid training"), TRAININGS, _training_rows(asked)),
        hours.sheet(asked, blood, ("blood_donation",)),
        hours.sheet(asked),
    ]

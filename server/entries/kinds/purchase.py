"""``purchase`` (schema 1): produce bought from a household on the spot (消费扶贫).

The amount paid is whole fen (an integer, never a float): ``1250`` is ¥12.50. An amount
with a fraction of a fen is refused, never rounded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from msgspec import Meta, Struct
from piccolo.columns import Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table

from server.accounts.tables import Account
from server.actor import Actor
from server.catalogues.tables import CatalogueItem
from server.entries.kinds import catalogued
from server.entries.kinds.base import Kind, Listed
from server.entries.kinds.catalogued import HouseholdId, ItemId, Time, Unit
from server.entries.kinds.catalogued import Text as Note
from server.entries.prepared import Prepared, Problem
from server.entries.tables import Entry
from server.households.tables import Household
from server.i18n import N_

MAX_FEN = 10_000_000
"""¥100,000: far above any purchase from one household."""

MESSAGES = {
    **catalogued.MESSAGES,
    "amount_not_whole_fen": N_("The amount must be whole fen (at most two decimals in yuan)."),
    "bad_amount": N_("The amount must be more than ¥0 and at most ¥100,000."),
}
"""The codes this kind adds."""


class Purchase(Table):
    """Produce bought from a household (消费扶贫)."""

    entry = ForeignKey(references=Entry, unique=True)
    household = ForeignKey(references=Household, index=True)
    volunteer = ForeignKey(references=Account, index=True)
    item = ForeignKey(references=CatalogueItem, index=True)
    """The product, from the products catalogue."""
    quantity = Float()
    unit = Varchar(length=16, default="")
    amount_fen = Integer()
    """What was paid, in fen."""
    bought_at = Timestamptz(index=True)
    note = Text(default="")


class PurchaseV1(Struct, forbid_unknown_fields=True):
    """``purchase`` schema 1: a product bought from a household."""

    household_id: HouseholdId
    item_id: ItemId
    """A product of the products catalogue."""
    quantity: Annotated[float, Meta(gt=0, le=100_000)]
    """How much, in ``unit`` (2.5 斤 is fine)."""
    amount_fen: Annotated[int, Meta(ge=1, le=MAX_FEN)]
    """What was paid, in whole fen: ``1250`` is ¥12.50."""
    unit: Unit = ""
    bought_at: Time | None = None
    """Defaults to the entry's ``recorded_at``."""
    note: Note = ""


def _amount_problem(data: dict[str, Any]) -> Problem | None:
    """What is wrong with the amount, said as such (before the generic decode)."""
    amount = data.get("amount_fen")
    if isinstance(amount, float):
        return Problem("amount_not_whole_fen", "amount_fen")
    if isinstance(amount, int) and not isinstance(amount, bool) and not 1 <= amount <= MAX_FEN:
        return Problem("bad_amount", "amount_fen")
    return None


def row(entry_id: uuid.UUID, actor: Actor, purchase: PurchaseV1, when: dt.datetime) -> dict:
    """The ``purchase`` row of an accepted purchase."""
    return {
        "entry": entry_id,
        "household": int(purchase.household_id),
        "volunteer": actor.id,
        "item": int(purchase.item_id),
        "quantity": float(purchase.quantity),
        "unit": purchase.unit.strip(),
        "amount_fen": purchase.amount_fen,
        "bought_at": when.astimezone(dt.UTC),
        "note": purchase.note.strip(),
    }


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a purchase; an accepted one writes its ``purchase`` row."""
    assert prepared.entry is not None and prepared.recorded_at is not None
    data = prepared.entry.data
    if (problem := _amount_problem(data)) is not None:
        return problem
    purchase, problem = catalogued.decoded(data, PurchaseV1)
    if purchase is None:
        return problem
    when, problem = catalogued.event_time(purchase.bought_at, prepared.recorded_at, "bought_at")
    if when is None:
        return problem
    found = await catalogued.lookups_of(prepared)
    if problem := catalogued.item_problem(found, purchase.item_id, "products", "item_id"):
        return problem
    if problem := catalogued.scope_problem(prepared, int(purchase.household_id)):
        return problem
    assert prepared.entry_id is not None
    prepared.rows = [(Purchase, row(prepared.entry_id, actor, purchase, when))]
    return None


SAMPLE = {
    "id": "5d2a8e71-3c4f-4b9a-a6d0-8f1e2b7c9a13",
    "kind": "purchase",
    "schema": 1,
    "recorded_at": "2026-11-20T15:20:08.512+08:00",
    "data": {
        "household_id": "1024",
        "item_id": "31",
        "quantity": 2.5,
        "unit": "斤",
        "amount_fen": 12500,
        "bought_at": "2026-11-20T15:10:00+08:00",
        "note": "自家炒的绿茶",
    },
    "attachments": [],
}


async def listed(household_id: int, limit: int) -> list[Listed]:
    """A household's entries of this kind for its page (``catalogued.listed``)."""
    return await catalogued.listed(
        "purchase",
        Purchase,
        Purchase.bought_at,
        household_id,
        limit,
        extra=(Purchase.item.name, Purchase.item.specification),
    )


KIND = Kind(
    "purchase",
    1,
    PurchaseV1,
    prepare,
    MESSAGES,
    SAMPLE,
    preload=catalogued.preload,
    listed=listed,
    corrections=catalogued.CORRECTIONS,
)

"""Demo rows the tests of catalogue-based entries name: catalogue items and members."""

from __future__ import annotations

import uuid
from typing import Any

from tests.builders import RECORDED_AT

CATALOGUE_OF = {
    "medicine_delivery": "medicine",
    "supply_handout": "supplies",
    "purchase": "products",
}
"""The catalogue each kind's items come from."""


async def item_ids(catalogue: str) -> dict[str, str]:
    """The demo items of ``catalogue``: ``{name: id}``."""
    from server.catalogues.tables import CatalogueItem

    rows = await CatalogueItem.select(CatalogueItem.id, CatalogueItem.name).where(
        CatalogueItem.catalogue == catalogue
    )
    return {r["name"]: str(r["id"]) for r in rows}


async def member_ids(household_id: int) -> list[str]:
    """The members of a household, as pull sends their ids."""
    from server.households.tables import Member

    rows = await Member.select(Member.id).where(Member.household == household_id)
    return sorted(str(r["id"]) for r in rows)


def with_demo_rows(entry: dict, items: list[str], member: str | None) -> dict:
    """A sample entry naming demo items (in order) and a demo member instead of its own."""
    data = dict(entry["data"])
    if "item_id" in data:
        data["item_id"] = items[0]
    if "items" in data:
        data["items"] = [
            {**line, "item_id": items[i % len(items)]} for i, line in enumerate(data["items"])
        ]
    if "member_id" in data:
        data["member_id"] = member
    return {**entry, "data": data}


def medicine_entry(household_id: int, member_id: str, item_id: str, **data: Any) -> dict:
    """A ``medicine_delivery`` of one medicine to ``member_id``; ``data`` adds or replaces."""
    line = {"item_id": item_id, "quantity": 2, "unit": "盒", "expiry_date": "2030-01-31"}
    return {
        "id": str(uuid.uuid4()),
        "kind": "medicine_delivery",
        "schema": 1,
        "recorded_at": RECORDED_AT,
        "data": {
            "household_id": str(household_id),
            "member_id": member_id,
            "items": [line],
            **data,
        },
    }


def supply_entry(household_id: int | None, item_id: str, **data: Any) -> dict:
    """A ``supply_handout`` of ten of one item to a household (None: ``data`` names a group)."""
    recipient = {"household_id": str(household_id)} if household_id is not None else {}
    return {
        "id": str(uuid.uuid4()),
        "kind": "supply_handout",
        "schema": 1,
        "recorded_at": RECORDED_AT,
        "data": {
            **recipient,
            "occasion": "pairing",
            "items": [{"item_id": item_id, "quantity": 10}],
            **data,
        },
    }


def purchase_entry(household_id: int, item_id: str, **data: Any) -> dict:
    """A ``purchase`` of 2.5 斤 for ¥12.50 from a household; ``data`` adds or replaces."""
    return {
        "id": str(uuid.uuid4()),
        "kind": "purchase",
        "schema": 1,
        "recorded_at": RECORDED_AT,
        "data": {
            "household_id": str(household_id),
            "item_id": item_id,
            "quantity": 2.5,
            "unit": "斤",
            "amount_fen": 1250,
            **data,
        },
    }

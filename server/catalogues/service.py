"""The catalogues: reading them, adding, renaming, retiring items, within one transaction each.

Catalogues are shared by the whole deployment (a medicine is the same medicine in every
county), so any coordinator keeps them. Every change writes its audit row and takes its
change-log number (``CatalogueItem.seq``) in the same transaction, so every phone's next
pull brings it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.actor import Actor
from server.audit import service as audit
from server.audit.tables import AuditLog
from server.catalogues.tables import CatalogueItem
from server.db import write_transaction
from server.i18n import N_
from server.sync import changelog

CATALOGUES = {
    "medicine": N_("Medicines"),
    "supplies": N_("Supplies"),
    "products": N_("Products"),
}
"""Each catalogue and its title: 药品, 物资, 商品 (消费扶贫)."""
LIMITS = {"name": 64, "specification": 64, "unit": 16}
MESSAGES = {
    "name_missing": N_("Enter a name."),
    "item_too_long": N_("Too long: a name or specification has at most 64 characters, a unit 16."),
    "item_taken": N_("This catalogue already has an item with that name and specification."),
}
"""Why a change was refused, by code."""


class Refused(Exception):
    """A change that breaks a rule; ``code`` is a key of ``MESSAGES``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class NotFound(Exception):
    """No such catalogue or item."""


def clean(values: dict[str, str]) -> dict[str, str]:
    """An item's name, specification and unit, trimmed; Refused when one breaks a rule."""
    cleaned = {key: " ".join(str(values.get(key, "")).split()) for key in LIMITS}
    if not cleaned["name"]:
        raise Refused("name_missing")
    if any(len(cleaned[key]) > limit for key, limit in LIMITS.items()):
        raise Refused("item_too_long")
    return cleaned


def _check_catalogue(catalogue: str) -> None:
    if catalogue not in CATALOGUES:
        raise NotFound


async def items(catalogue: str, *, offered_only: bool = False) -> list[dict[str, Any]]:
    """A catalogue's items by name: all of them, or only those the forms offer."""
    _check_catalogue(catalogue)
    query = CatalogueItem.select().where(CatalogueItem.catalogue == catalogue)
    if offered_only:
        query = query.where(CatalogueItem.retired == False)  # noqa: E712
    return await query.order_by(CatalogueItem.name).order_by(CatalogueItem.specification)


async def item(catalogue: str, item_id: int) -> dict[str, Any]:
    """One item of ``catalogue``, else NotFound."""
    _check_catalogue(catalogue)
    row = (
        await CatalogueItem.select()
        .where((CatalogueItem.id == item_id) & (CatalogueItem.catalogue == catalogue))
        .first()
    )
    if row is None:
        raise NotFound
    return row


def _key(values: dict[str, Any]) -> tuple[str, str]:
    return values["name"], values["specification"]


async def _taken(catalogue: str, values: dict[str, str], exclude: int | None = None) -> bool:
    query = CatalogueItem.exists().where(
        (CatalogueItem.catalogue == catalogue)
        & (CatalogueItem.name == values["name"])
        & (CatalogueItem.specification == values["specification"])
    )
    if exclude is not None:
        query = query.where(CatalogueItem.id != exclude)
    return await query


async def _insert(actor: Actor, catalogue: str, rows: list[dict[str, str]]) -> list[int]:
    """Insert items (inside the caller's transaction), audited, numbered for pull."""
    if not rows:
        return []
    last = await changelog.reserve(len(rows))
    first = last - len(rows) + 1
    inserted = await CatalogueItem.insert(
        *[
            CatalogueItem(catalogue=catalogue, seq=first + index, **values)
            for index, values in enumerate(rows)
        ]
    ).returning(CatalogueItem.id)
    ids = [r["id"] for r in inserted]
    await AuditLog.insert(
        *[
            audit.row(actor.id, "catalogue_item.create", "catalogue_item", item_id, None, values)
            for item_id, values in zip(ids, rows, strict=True)
        ]
    )
    return ids


async def add_item(actor: Actor, catalogue: str, values: dict[str, str]) -> int:
    """Add an item to ``catalogue``; returns its id."""
    _check_catalogue(catalogue)
    cleaned = clean(values)
    async with write_transaction():
        if await _taken(catalogue, cleaned):
            raise Refused("item_taken")
        [item_id] = await _insert(actor, catalogue, [cleaned])
    return item_id


async def _update(actor: Actor, row: dict[str, Any], action: str, after: dict[str, Any]) -> None:
    before = {key: row[key] for key in after}
    seq = await changelog.reserve(1)
    await CatalogueItem.update(
        {
            **{getattr(CatalogueItem, key): value for key, value in after.items()},
            CatalogueItem.version: CatalogueItem.version + 1,
            CatalogueItem.seq: seq,
            CatalogueItem.updated_at: dt.datetime.now(dt.UTC),
        }
    ).where(CatalogueItem.id == row["id"])
    await audit.record(actor.id, action, "catalogue_item", row["id"], before, after)


async def change_item(actor: Actor, catalogue: str, item_id: int, values: dict[str, str]) -> None:
    """Rename an item (its name, specification or unit). Entries refer to its id, so the
    ones already made show the new name."""
    cleaned = clean(values)
    row = await item(catalogue, item_id)
    if {key: row[key] for key in cleaned} == cleaned:
        return
    async with write_transaction():
        if await _taken(catalogue, cleaned, exclude=item_id):
            raise Refused("item_taken")
        await _update(actor, row, "catalogue_item.rename", cleaned)


async def set_retired(actor: Actor, catalogue: str, item_id: int, retired: bool) -> None:
    """Retire an item (no longer offered; still valid for entries) or bring it back."""
    row = await item(catalogue, item_id)
    if row["retired"] == retired:
        return
    action = "catalogue_item.retire" if retired else "catalogue_item.restore"
    async with write_transaction():
        await _update(actor, row, action, {"retired": retired})


async def add_rows(actor: Actor, catalogue: str, rows: list[dict[str, str]]) -> tuple[int, int]:
    """Add the items of an import that are new (same name and specification: already
    there, left alone); returns ``(added, unchanged)``."""
    _check_catalogue(catalogue)
    async with write_transaction():
        existing = {
            _key(r)
            for r in await CatalogueItem.select(
                CatalogueItem.name, CatalogueItem.specification
            ).where(CatalogueItem.catalogue == catalogue)
        }
        new: dict[tuple[str, str], dict[str, str]] = {}
        for values in rows:
            if _key(values) not in existing:
                new.setdefault(_key(values), values)
        await _insert(actor, catalogue, list(new.values()))
    return len(new), len(rows) - len(new)

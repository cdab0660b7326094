"""Correction chains: which entry of a chain counts, and following a chain to its latest entry.

An entry replaced by a ``correction`` keeps its rows; ``Entry.superseded_by`` names the
correction that replaced it (whose rows carry the new values), and ``Entry.voided`` says
that correction voided it instead. Both are set in the transaction that stores the
correction (or, for a correction that arrived first, the one that stores the entry).

**How every kind counts** (lists, totals, a household's latest needs): filter the kind's
rows with ``latest(Table.entry)``::

    Visit.select().where((Visit.household == h) & chains.latest(Visit.entry))

A chain then counts once, with its latest values, and a voided chain not at all. A history
that shows voided entries struck through uses ``shown(Table.entry)`` and tells them apart by
``Table.entry.voided``. The same clauses work on ``Entry`` itself (``latest(Entry.id)`` is
not needed: ``Entry.superseded_by.is_null()``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import msgspec

from server.entries.tables import Entry

CORRECTION = "correction"
"""The kind of entry that replaces or voids another (DESIGN §3.2)."""
REFUSED = "correction_refused"
"""The flag of a correction that arrived before its entry and whose new values that entry's
kind refused once it came: it changed nothing, and its author is told so."""
MAX_LENGTH = 50
"""How far a chain is followed (a longer one is a loop or an attack, never a volunteer)."""


def latest(entry: Any) -> Any:
    """A where-clause on a kind table's ``entry`` column: only the latest entry of each
    correction chain, nothing of a voided one. The one way every count and list filters."""
    return entry.superseded_by.is_null()


def shown(entry: Any) -> Any:
    """Like ``latest``, but a voided chain shows its last values (struck through, not
    counted); tell them apart with ``entry.voided``."""
    return entry.superseded_by.is_null() | (entry.voided == True)  # noqa: E712


@dataclass
class Link:
    """One entry of a chain as a correction sees it."""

    id: uuid.UUID
    account: int
    kind: str
    """The kind whose values it carries (a correction: the kind of the entry it replaced)."""
    schema: int
    data: dict[str, Any]
    """Its values as sent (a correction: its ``data``)."""
    superseded_by: uuid.UUID | None = None
    voided: bool = False

    @property
    def household_id(self) -> str | None:
        """The household its values name, if its kind names one."""
        value = self.data.get("household_id")
        return value if isinstance(value, str) else None


def sent(body: str) -> dict[str, Any]:
    """A stored entry's body (``Entry.body``) as the phone sent it; {} if it is not an object."""
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def entry_data(body: str) -> dict[str, Any]:
    """The ``data`` of a stored entry's body; {} when it has none."""
    data = sent(body).get("data")
    return data if isinstance(data, dict) else {}


@dataclass
class Chains:
    """The chains one batch's corrections touch: as stored, and as the batch changes them
    (a correction of an entry sent earlier in the same batch finds it here)."""

    links: dict[uuid.UUID, Link | None] = field(default_factory=dict)
    arriving: dict[uuid.UUID, Link] = field(default_factory=dict)

    def add(self, link: Link) -> None:
        """A correction of this batch that will be stored (before it is)."""
        self.links[link.id] = link

    def arrive(self, link: Link) -> None:
        """An entry of this batch that will be stored unless it already is (a resent one
        keeps its stored chain)."""
        self.arriving.setdefault(link.id, link)

    async def find(self, entry_id: uuid.UUID) -> Link | None:
        """The entry ``entry_id`` as a link; None when it is not stored (nor in the batch)."""
        if entry_id not in self.links:
            stored = await self._load(entry_id, 0)
            self.links[entry_id] = stored or self.arriving.get(entry_id)
        return self.links[entry_id]

    async def _load(self, entry_id: uuid.UUID, depth: int) -> Link | None:
        row = (
            await Entry.select(
                Entry.id,
                Entry.account,
                Entry.kind,
                Entry.schema,
                Entry.body,
                Entry.supersedes,
                Entry.superseded_by,
                Entry.voided,
            )
            .where(Entry.id == entry_id)
            .first()
        )
        if row is None:
            return None
        kind, schema, data = row["kind"], row["schema"], entry_data(row["body"])
        if kind == CORRECTION:
            base = (
                await self._load(uuid.UUID(str(row["supersedes"])), depth + 1)
                if row["supersedes"] and depth < MAX_LENGTH
                else None
            )
            if base is None:
                return None
            kind, schema = base.kind, base.schema
            inner = data.get("data")
            # A void carries no values: a correction naming it finds a voided chain.
            data, voids = (inner, False) if isinstance(inner, dict) else ({}, True)
        else:
            voids = False
        by = row["superseded_by"]
        return Link(
            id=uuid.UUID(str(row["id"])),
            account=row["account"],
            kind=kind,
            schema=schema,
            data=data,
            superseded_by=uuid.UUID(str(by)) if by else None,
            voided=row["voided"] or voids,
        )

    async def head(self, entry_id: uuid.UUID) -> Link | None:
        """The latest entry of ``entry_id``'s chain that carries values (a voided one says
        so); None when ``entry_id`` is not stored."""
        link = await self.find(entry_id)
        for _ in range(MAX_LENGTH):
            if link is None or link.voided or link.superseded_by is None:
                return link
            following = await self.find(link.superseded_by)
            if following is None:
                return link
            link = following
        return link

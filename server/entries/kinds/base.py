"""What a kind module declares: everything the ingest path needs to know about one
``(kind, schema)``.

A kind module provides a ``KIND = Kind(...)`` and one line in ``registry.py``. Its own
rows (a table with ``entry = ForeignKey(references=Entry, unique=True)``) are written
from ``prepare``'s ``Prepared.rows``.

Corrections (``correction``, DESIGN §3.2) work for every kind that gives ``corrections``:

- *Replacing* an entry runs the kind's own ``prepare`` on the correction's ``data``, as if
  it were a new entry of that kind whose id is the correction's: the same checks and codes,
  and its rows are written under the correction's id. Nothing of the replaced entry is
  edited; it only gets ``Entry.superseded_by``.
  Its ``stored`` hook (if any) is then given the correction too, so it must read only
  the rows of its own tables from ``Prepared.rows``.
- *Voiding* writes no rows: the voided entry gets ``superseded_by`` and ``Entry.voided``,
  then the kind's ``Corrections.void`` runs (to mark its own rows, if it keeps a mark, and
  to say what pull now sends of it).
- **Counting and listing**: every list, total or "latest" a kind offers filters its rows
  with ``server.entries.chains.latest(Table.entry)`` (the latest entry of each chain, a
  voided chain counting nothing), or ``chains.shown(Table.entry)`` for a history that shows
  voided entries struck through. Never filter on the kind's own columns for this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from server.actor import Actor
from server.entries.prepared import Prepared, Problem
from server.sync.changelog import Shared


@dataclass(frozen=True)
class AttachmentSlot:
    """A file an entry of a kind may carry (DESIGN §3.2): listed in the entry's
    ``attachments`` under ``name``, uploaded after the entry with
    ``PUT /api/sync/attachments/<entry id>/<name>``."""

    name: str
    """The file's name in the entry (``photo``, ``signature``); never renamed."""
    content_type: str
    """What the file is (``image/jpeg``, ``image/png``): checked on upload, served as such."""
    max_bytes: int
    """The largest file accepted; the phone checks the same limit before saving."""


PHOTO = AttachmentSlot("photo", "image/jpeg", 300 * 1024)
"""A photo, resized (longest side 1600 px) and compressed on the phone before saving."""
SIGNATURE = AttachmentSlot("signature", "image/png", 100 * 1024)
"""A signature drawn on the phone's screen."""


@dataclass(frozen=True)
class Corrections:
    """How a kind's entries are replaced or voided by a ``correction`` (see the module)."""

    retract: Callable[[str, Mapping[str, Any]], list[Shared]]
    """What pull shared because of an entry (its id and its data as sent), to take back
    from the phones once a correction replaces or voids it: each is sent as a tombstone.
    Pure, so it also works for an entry of the same batch that is not stored yet."""
    void: Callable[[str], Awaitable[list[Shared]]] | None = None
    """Runs in the write transaction when an entry is voided, after its rows are stored:
    marks the kind's own rows (if it keeps such a mark) and returns what the phones should
    hold of the entry now (a visit: its copy with ``voided: true``). None: ``retract``'s
    tombstones are sent instead."""
    relinked: Callable[[int, Mapping[str, Any]], Awaitable[None]] | None = None
    """Runs in the write transaction once an entry is replaced or voided (after the link),
    given its author and its data as sent: for a kind whose entries decide a standing that
    the latest entries must decide again (a sign-up's place)."""


@dataclass
class Listed:
    """An entry as a list of entries shows it (the household page's history): the snippet
    ``web/templates/_entry_<kind>.html`` draws its ``data`` (``_entry_generic.html`` stands
    in until the kind has one)."""

    kind: str
    id: str
    """The entry whose values these are (the latest of its chain)."""
    when: Any
    """When it happened (a datetime), the newest first."""
    author: str
    author_id: int
    data: dict[str, Any]
    """Its values, shaped as the kind's ``data``."""
    voided: bool = False
    household_id: int | None = None

    @property
    def head(self) -> str:
        """What a correction of it names."""
        return self.id


@dataclass(frozen=True)
class Kind:
    """One ``(kind, schema)`` the server stores (the public contract, DESIGN §3.2)."""

    name: str
    """The entry's ``kind`` (a name phones send; never renamed)."""
    schema: int
    data: type[msgspec.Struct]
    """The ``data`` it carries; the push body's OpenAPI schema is generated from it."""
    prepare: Callable[[Actor, Prepared], Awaitable[Problem | None]]
    """Checks the entry (before the write transaction) and fills in what storing it
    means: ``rows``, ``shared``, ``apply``, ``flag``; or returns why it is refused."""
    messages: Mapping[str, str]
    """The stable codes it adds, each with its message (a msgid of the catalogue)."""
    sample: Mapping[str, Any]
    """One entry as a phone sends it, for the tests and the OpenAPI example (ids of
    rows that exist only in a deployment are replaced at test time)."""
    history: Callable[[list[int]], Awaitable[list[Shared]]] | None = None
    """What pull sends of this kind, for the households given, to a volunteer newly
    paired with them (a visit: each household's recent visits); None when the kind
    shares nothing beyond its author's own copy of the entry."""
    stored: Callable[[list[Prepared]], Awaitable[None]] | None = None
    """Runs once a batch inside the write transaction, with this kind's entries the batch
    has just stored (a visit opens follow-ups there); None when nothing else follows."""
    attachments: tuple[AttachmentSlot, ...] = ()
    """The files its entries may carry; none: an entry listing a file is refused
    (``attachment_not_allowed``). Whether a slot must be filled is the deployment's
    word (``Settings.required_attachments``)."""
    listed: Callable[[int, int], Awaitable[list[Listed]]] | None = None
    """Its entries about a household (id, at most how many), as the household page lists
    them: the latest entry of each chain, voided ones marked (``chains.shown``)."""
    corrections: Corrections | None = None
    """How a ``correction`` replaces or voids its entries; None: they cannot be corrected
    (``not_correctable``), as a household edit, which is fixed by another edit."""
    preload: Callable[[list[dict[str, Any]]], Awaitable[Any]] | None = None
    """Reads what the batch's entries of this kind name, once for the whole batch (given
    their ``data``); kinds sharing the function share one call. Its result is in
    ``Prepared.lookups.extra[preload]``."""

    @property
    def key(self) -> tuple[str, int]:
        """``(kind, schema)``."""
        return self.name, self.schema

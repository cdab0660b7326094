"""What the ingest path hands each kind: the entry on its way in, and the words for problems.

A kind module (``server/entries/kinds/``) checks a ``Prepared`` entry and fills in
what storing it means (``rows``, ``shared``, ``apply``, ``flag``), or returns the
``Problem`` that refuses it. The generic codes live here; each kind adds its own.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec
from piccolo.table import Table

from server.entries.chains import Chains
from server.entries.schemas import EntryIn, EntryResult
from server.i18n import N_
from server.sync.changelog import Shared, StoredEntry

if TYPE_CHECKING:
    from server.scope import Scopes

MESSAGES = {
    "invalid_entry": N_("This entry is malformed: {detail}"),
    "invalid_data": N_("This entry's content is not valid ({field})."),
    "too_long": N_("{field} is too long."),
    "unknown_kind": N_(
        "The server cannot take this kind of entry yet; it will be sent again later."
    ),
    "out_of_scope": N_("This household is not paired with you."),
    "id_reused": N_("This entry id was already used for different content."),
    "bad_time": N_("The time is not valid."),
    "too_deep": N_("This entry is nested too deeply."),
    "bad_text": N_("This entry contains a character that cannot be stored (NUL)."),
}
"""The codes of the ingest path itself, whatever the kind (msgids of the catalogue)."""


@dataclass
class Problem:
    """Why an entry cannot be stored: a stable code and the field it is about."""

    code: str
    field: str = ""


_PATH = re.compile(r"at `\$\.?([^`]*)`")


def decode_problem(error: msgspec.ValidationError) -> Problem:
    """The problem a msgspec validation error describes (``too_long`` or ``invalid_data``)."""
    match = _PATH.search(str(error))
    path = match.group(1) if match else ""
    code = "too_long" if "length <=" in str(error) else "invalid_data"
    return Problem(code, path)


def id_of(value: Any) -> int | None:
    """An id written in ASCII digits within 32 bits, else None (``"²"``, ``"١٢"`` and
    ``"99999999999"`` name no row)."""
    usable = isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10
    return int(value) if usable else None


MAX_DEPTH = 16
"""How deep an entry's data may nest (the deepest kind needs 4)."""


def shape_problem(value: Any) -> Problem | None:
    """``too_deep`` or ``bad_text`` (a NUL character, which PostgreSQL refuses in text) for
    an entry's decoded JSON; walked without recursion, so no depth can overflow the stack."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return Problem("too_deep", "data")
        if isinstance(item, str):
            if "\x00" in item:
                return Problem("bad_text", "data")
        elif isinstance(item, dict):
            stack.extend((key, depth + 1) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


@dataclass
class Lookups:
    """What a batch's checks read from the database, read once for the whole batch."""

    scopes: Scopes
    """Whether the actor may record entries about each household the batch names."""
    accounts: set[int]
    """The active accounts among the accounts the batch names (a visit's companions)."""
    clock_offset_ms: int = 0
    """Server time minus the sending device's time (DESIGN §2.2): what corrects its
    entries' time windows, such as a check-in's."""
    chains: Chains = field(default_factory=Chains)
    """The correction chains the batch's corrections name, as the batch changes them."""
    extra: dict[Any, Any] = field(default_factory=dict)
    """What the kinds' own ``preload`` read for the batch, by that function."""


@dataclass
class Prepared:
    """An entry on its way in: decided early (``result``) or ready to store."""

    sent_id: str
    body: str
    entry: EntryIn | None = None
    entry_id: uuid.UUID | None = None
    recorded_at: dt.datetime | None = None
    content_hash: str = ""
    flag: str = ""
    rows: list[tuple[type[Table], dict[str, Any]]] = field(default_factory=list)
    """Event rows to insert with the entry: (table, column values)."""
    shared: list[Shared] = field(default_factory=list)
    """What pull sends for it beyond the author's own copy of the entry."""
    retracted: list[Shared] = field(default_factory=list)
    """What pull takes back from the phones because of it (a correction: what the entry
    it replaces had shared), sent as tombstones after ``shared``."""
    rewritten: list[tuple[int, StoredEntry]] = field(default_factory=list)
    """Other entries whose author's copy changes because of it (``(author, entry)``: the
    entry a correction replaced, now naming its correction)."""
    supersedes: uuid.UUID | None = None
    """A correction: the entry it replaces or voids (``Entry.supersedes``)."""
    result: EntryResult | None = None
    lookups: Lookups | None = None
    """The batch's lookups, for the kind's checks."""
    apply: Callable[[str, str], Awaitable[EntryResult | None]] | None = None
    """Runs in the write transaction once the entry is stored (device id, language);
    may turn ``accepted`` into ``conflict``."""

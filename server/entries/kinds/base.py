"""What a kind module declares: everything the ingest path needs to know about one
``(kind, schema)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from server.actor import Actor
from server.entries.prepared import Prepared, Problem
from server.sync.changelog import Shared


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

    @property
    def key(self) -> tuple[str, int]:
        """``(kind, schema)``."""
        return self.name, self.schema

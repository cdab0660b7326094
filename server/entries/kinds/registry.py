"""Every ``(kind, schema)`` this server stores. A phone may hold entries of any schema
ever shipped for weeks: a kind, once listed, stays listed."""

from __future__ import annotations

from server.entries.kinds import (
    activity_signup,
    check_in,
    check_out,
    correction,
    household_patch,
    medicine_delivery,
    notice_read,
    purchase,
    supply_handout,
    training_count,
    visit,
)
from server.entries.kinds.base import Kind, Listed
from server.sync.changelog import Shared

KINDS: dict[tuple[str, int], Kind] = {
    kind.key: kind
    for kind in (
        visit.KIND,
        household_patch.KIND,
        activity_signup.KIND,
        check_in.KIND,
        check_out.KIND,
        notice_read.KIND,
        medicine_delivery.KIND,
        supply_handout.KIND,
        purchase.KIND,
        training_count.KIND,
    )
}
"""The kinds by ``(kind, schema)``."""
# A correction checks new values with the kind of the entry it replaces: it reads the
# registry it is part of.
KINDS[(correction.CORRECTION, 1)] = correction.kind(KINDS)

MESSAGES = {code: text for kind in KINDS.values() for code, text in kind.messages.items()}
"""The codes the kinds add to the ingest path's, with their messages."""


async def shared_history(household_ids: list[int]) -> list[Shared]:
    """What every kind sends a volunteer newly paired with ``household_ids`` (its ``history``)."""
    shared: list[Shared] = []
    for kind in KINDS.values():
        if kind.history is not None:
            shared += await kind.history(household_ids)
    return shared


def correctable() -> frozenset[str]:
    """The kinds whose entries a ``correction`` may replace or void."""
    return frozenset(k.name for k in KINDS.values() if k.corrections is not None)


async def household_entries(household_id: int, limit: int = 100) -> list[Listed]:
    """Every kind's entries about a household (its ``listed``), the newest first."""
    found: list[Listed] = []
    for kind in KINDS.values():
        if kind.listed is not None:
            found += await kind.listed(household_id, limit)
    return sorted(found, key=lambda e: e.when, reverse=True)[:limit]

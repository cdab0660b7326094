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
from server.entries.kinds.base import Kind
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

"""Follow-ups after a correction: the items a visit opened follow its corrected values.

A visit replaced by a ``correction`` hands its open items to the new values: an item
whose area they still report (urgent, or asking for follow-up) becomes the new entry's,
with its note and time; one whose area they no longer report is withdrawn -- closed,
``withdrawn_by`` the correction, audited. A voided visit withdraws every open item it
opened. A close it proposed stays proposed by the new values only if they still record
the area as resolved. What the new values report then opens and proposes as any visit
does (``opening.visits_stored``): an urgent need the correction adds opens an item.

Items a coordinator closed stay closed; items another visit opened are not touched.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from server.actor import now
from server.audit.tables import AuditLog
from server.db import insert_rows
from server.followups import opening, pulled
from server.followups.tables import FollowUp


@dataclass(frozen=True)
class Replaced:
    """A visit a correction replaced or voided."""

    entry: uuid.UUID
    """The visit replaced (the latest of its chain until now)."""
    correction: uuid.UUID
    author: int
    """Who sent the correction."""
    by: opening.Reported | None
    """What the new values report; None for a void."""


async def visits_corrected(replaced: list[Replaced]) -> None:
    """Move, withdraw and open items for ``replaced`` (inside the write transaction)."""
    if not replaced:
        return
    by_entry = {r.entry: r for r in replaced}
    items = await FollowUp.select().where(
        (FollowUp.status == "open")
        & (FollowUp.opened_by.is_in(list(by_entry)) | FollowUp.proposed_by.is_in(list(by_entry)))
    )
    touched: list[int] = []
    withdrawn: list[tuple[dict[str, Any], Replaced]] = []
    for item in items:
        opened = by_entry.get(uuid.UUID(str(item["opened_by"])))
        if opened is not None:
            if opened.by is not None and item["area"] in opened.by.opens:
                await _move(item, opened.by)
            else:
                withdrawn.append((item, opened))
        proposed = item["proposed_by"] and by_entry.get(uuid.UUID(str(item["proposed_by"])))
        if proposed and (opened is None or opened.by is not None):
            await _repropose(item, proposed)
        touched.append(item["id"])
    await _withdraw(withdrawn)
    await pulled.changed(touched)
    await opening.visits_stored([r.by for r in replaced if r.by is not None])


async def _move(item: dict[str, Any], by: opening.Reported) -> None:
    """The item is the new values' now: their note and their time."""
    await FollowUp.update(
        {
            FollowUp.opened_by: by.entry,
            FollowUp.note: by.opens[item["area"]],
            FollowUp.reported_at: by.at,
        }
    ).where(FollowUp.id == item["id"])


async def _repropose(item: dict[str, Any], replaced: Replaced) -> None:
    """A close the replaced visit proposed: the new values' if they still say resolved."""
    by = replaced.by
    keeps = by is not None and item["area"] in by.resolves and by.at > item["reported_at"]
    await FollowUp.update(
        {
            FollowUp.proposed_by: by.entry if keeps and by else None,
            FollowUp.proposed_at: by.at if keeps and by else None,
        }
    ).where(FollowUp.id == item["id"])


async def _withdraw(withdrawn: list[tuple[dict[str, Any], Replaced]]) -> None:
    """Close items whose report a correction took back, each audited."""
    at = now()
    for item, replaced in withdrawn:
        await FollowUp.update(
            {
                FollowUp.status: "closed",
                FollowUp.closed_at: at,
                FollowUp.closed_by: replaced.author,
                FollowUp.withdrawn_by: replaced.correction,
            }
        ).where(FollowUp.id == item["id"])
    await insert_rows(
        AuditLog,
        [
            {
                "actor": replaced.author,
                "action": "follow_up.withdraw",
                "table_name": "follow_up",
                "row_id": str(item["id"]),
                "before": json.dumps({"status": "open"}),
                "after": json.dumps({"status": "closed", "withdrawn_by": str(replaced.correction)}),
            }
            for item, replaced in withdrawn
        ],
    )

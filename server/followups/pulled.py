"""What phones hold of follow-ups: every item of a household, for each volunteer paired
with it, so its page (kept offline) shows the open ones as they are now.

Each change to an item (opened, proposed for closing, handed to someone, closed,
withdrawn by a correction) writes the item again to the pull change log, in the
transaction that changes it; the phone then fetches that household's pages again. A closed
item is sent with ``status: closed``, not as a tombstone: the change names its household.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from server.followups.tables import FollowUp
from server.sync import changelog
from server.sync.changelog import Change, Shared

KIND = "follow_up"
"""The ``kind`` of these changes in ``GET /api/sync/pull``."""

_COLUMNS = (
    FollowUp.id,
    FollowUp.household,
    FollowUp.area,
    FollowUp.note,
    FollowUp.status,
    FollowUp.reported_at,
    FollowUp.reported_by.display_name,
    FollowUp.assignee.display_name,
    FollowUp.partner,
    FollowUp.proposed_at,
    FollowUp.closed_at,
)


def _time(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _data(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "household_id": str(row["household"]),
        "area": row["area"],
        "note": row["note"],
        "status": row["status"],
        "reported_at": _time(row["reported_at"]),
        "reported_by": row["reported_by.display_name"],
        "assignee": row["assignee.display_name"] or "",
        "partner": row["partner"],
        "proposed_at": _time(row["proposed_at"]),
        "closed_at": _time(row["closed_at"]),
    }


async def changed(item_ids: list[int]) -> None:
    """Items changed in the current write transaction: each goes, as it is now, to every
    volunteer paired with its household."""
    ids = sorted(set(item_ids))
    if not ids:
        return
    rows = await FollowUp.select(*_COLUMNS).where(FollowUp.id.is_in(ids))
    paired = await changelog.paired_volunteers(sorted({r["household"] for r in rows}))
    await changelog.write(
        [
            Change(volunteer, KIND, str(r["id"]), _data(r), 1, r["household"])
            for r in rows
            for volunteer in sorted(paired.get(r["household"], ()))
        ]
    )


async def history(household_ids: list[int]) -> list[Shared]:
    """The open items of ``household_ids``, for a volunteer newly paired with them."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(household_ids), 5000):
        chunk = household_ids[start : start + 5000]
        rows += await FollowUp.select(*_COLUMNS).where(
            FollowUp.household.is_in(chunk) & (FollowUp.status == "open")
        )
    return [Shared(KIND, str(r["id"]), r["household"], _data(r)) for r in rows]

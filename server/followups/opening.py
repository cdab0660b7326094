"""Opening follow-ups from visits, inside the transaction that stores them.

The visit kind hands over what each stored visit reported, in words of its own
(``Reported``); this module decides, against the household's open items:

- an area reported urgent (or a visit asking for follow-up) opens an item, unless the
  household has that item open already (then a pending proposal to close it is
  withdrawn: the need is still there);
- an area reported resolved (``none``) by a visit later than the item's report proposes
  closing it. Nothing is closed here: a coordinator closes, saying what was done.

One read of the batch's open items and a few writes, whatever the batch's size.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from server.audit.tables import AuditLog
from server.db import insert_rows
from server.followups import pulled
from server.followups.tables import FollowUp

GENERAL = "follow_up"
"""The area of the item a visit's follow-up flag opens (it names no need area)."""


@dataclass(frozen=True)
class Reported:
    """What one stored visit says about follow-ups."""

    entry: uuid.UUID
    household: int
    volunteer: int
    at: dt.datetime
    opens: dict[str, str] = field(default_factory=dict)
    """Area to note: what the visit reports as needing follow-up."""
    resolves: frozenset[str] = frozenset()
    """Areas the visit records as resolved."""


@dataclass
class _Proposal:
    entry: uuid.UUID | None
    at: dt.datetime | None


async def visits_stored(reports: list[Reported]) -> None:
    """Open and propose closing follow-ups for ``reports`` (call inside the write transaction)."""
    if not reports:
        return
    households = sorted({r.household for r in reports})
    rows = await FollowUp.select(
        FollowUp.id, FollowUp.household, FollowUp.area, FollowUp.reported_at, FollowUp.proposed_at
    ).where(FollowUp.household.is_in(households) & (FollowUp.status == "open"))
    current: dict[tuple[int, str], dict[str, Any]] = {(r["household"], r["area"]): r for r in rows}
    changed: dict[int, _Proposal] = {}
    new: list[dict[str, Any]] = []
    for report in sorted(reports, key=lambda r: r.at):
        for area, note in report.opens.items():
            item = current.get((report.household, area))
            if item is None:
                item = _new_item(report, area, note)
                current[(report.household, area)] = item
                new.append(item)
            elif item["proposed_at"] is not None and report.at > item["proposed_at"]:
                _propose(item, changed, None, None)
        for area in report.resolves:
            item = current.get((report.household, area))
            if item is not None and report.at > item["reported_at"]:
                _propose(item, changed, report.entry, report.at)
    inserted = await insert_rows(FollowUp, new, returning=FollowUp.id)
    await insert_rows(
        AuditLog,
        [
            {
                "actor": item["reported_by"],
                "action": "follow_up.open",
                "table_name": "follow_up",
                "row_id": str(row["id"]),
                "before": None,
                "after": json.dumps({"area": item["area"], "household": item["household"]}),
            }
            for item, row in zip(new, inserted, strict=True)
        ],
    )
    await _save_proposals(changed)
    await pulled.changed([r["id"] for r in inserted] + list(changed))


def _new_item(report: Reported, area: str, note: str) -> dict[str, Any]:
    return {
        "household": report.household,
        "area": area,
        "note": note,
        "opened_by": report.entry,
        "reported_by": report.volunteer,
        "reported_at": report.at,
        "status": "open",
        "assignee": None,
        "partner": "",
        "proposed_by": None,
        "proposed_at": None,
        "closed_by": None,
        "closed_at": None,
        "outcome": "",
        "created_at": dt.datetime.now(dt.UTC),
    }


def _propose(
    item: dict[str, Any],
    changed: dict[int, _Proposal],
    entry: uuid.UUID | None,
    at: dt.datetime | None,
) -> None:
    """Set (or withdraw, with None) an item's proposal: in place for a new item, else noted."""
    item["proposed_at"] = at
    if "id" in item:
        changed[item["id"]] = _Proposal(entry, at)
    else:
        item["proposed_by"] = entry


async def _save_proposals(changed: dict[int, _Proposal]) -> None:
    by_proposal: dict[tuple[uuid.UUID | None, dt.datetime | None], list[int]] = defaultdict(list)
    for item_id, proposal in changed.items():
        by_proposal[(proposal.entry, proposal.at)].append(item_id)
    for (entry, at), ids in by_proposal.items():
        await FollowUp.update({FollowUp.proposed_by: entry, FollowUp.proposed_at: at}).where(
            FollowUp.id.is_in(ids)
        )

"""What rings whom: the doorbells each event schedules (in the event's own transaction).

The kinds are the phone's words for what happened (the worker shows them); the target
is the page a tap opens. Coordinators hear of flagged entries and urgent needs in their
areas, and of phones that have held unsynced entries for days; volunteers of notices
and of households newly paired with them.
"""

from __future__ import annotations

import datetime as dt
import uuid

from server import scope
from server.actor import now
from server.notify.jobs import Doorbell, schedule
from server.sync.tables import Device


async def notice_sent(notice_id: int, account_ids: list[int], urgent: bool) -> None:
    """A notice reached these inboxes."""
    kind = "notice_urgent" if urgent else "notice"
    await schedule(
        [
            Doorbell(
                a,
                kind,
                f"/inbox/{notice_id}",
                f"notice:{notice_id}:{a}",
                "high" if urgent else "normal",
            )
            for a in account_ids
        ]
    )


async def households_paired(volunteer_id: int, household_ids: list[int]) -> None:
    """Households were newly paired with a volunteer."""
    if household_ids:
        target = f"/households/{household_ids[0]}" if len(household_ids) == 1 else "/households"
        key = f"pairing:{volunteer_id}:{uuid.uuid4()}"
        await schedule([Doorbell(volunteer_id, "pairing", target, key)])


async def entries_to_review(flagged: dict[str, int], urgent: dict[str, int]) -> None:
    """Entries just stored: ``flagged`` (entry id to household) for a coordinator to check,
    ``urgent`` (entry id to household) naming an urgent need. One doorbell per coordinator
    and kind for the batch."""
    households = sorted(set(flagged.values()) | set(urgent.values()))
    if not households:
        return
    coordinators = await scope.coordinators_of_households(households)
    doorbells = []
    for kind, entries, target in (
        ("flagged", flagged, "/conflicts"),
        ("urgent_need", urgent, "/"),
    ):
        if not entries:
            continue
        first = min(entries)
        reached = sorted({c for h in entries.values() for c in coordinators.get(h, ())})
        if kind == "urgent_need" and len({*entries.values()}) == 1:
            target = f"/households/{next(iter(entries.values()))}"
        doorbells += [Doorbell(c, kind, target, f"{kind}:{first}:{c}", "high") for c in reached]
    await schedule(doorbells)


async def stale_phones(days: int, local_date: str) -> int:
    """Phones holding unsynced entries for ``days`` or more: once a day, to their
    coordinators. Returns how many phones were named."""
    cutoff = (now() - dt.timedelta(days=days)).isoformat()
    rows = await Device.select(Device.device_id, Device.account, Device.oldest_pending_at).where(
        (Device.pending_count > 0)
        & (Device.revoked == False)  # noqa: E712
        & (Device.oldest_pending_at != "")
    )
    stale = [r for r in rows if _before(r["oldest_pending_at"], cutoff)]
    if not stale:
        return 0
    coordinators = await scope.coordinators_of_accounts([r["account"] for r in stale])
    await schedule(
        [
            Doorbell(c, "stale_phone", "/devices", f"stale:{r['device_id']}:{local_date}:{c}")
            for r in stale
            for c in sorted(coordinators.get(r["account"], ()))
        ]
    )
    return len(stale)


def _before(value: str, cutoff: str) -> bool:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) <= dt.datetime.fromisoformat(
            cutoff
        )
    except ValueError:
        return False

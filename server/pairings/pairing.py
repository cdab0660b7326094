"""Pairing volunteers with households (结对), with the audit log and the change log.

Permission checks are the caller's (a coordinator pairs within their areas).
"""

from __future__ import annotations

import datetime as dt

from server.audit import service as audit
from server.audit.tables import AuditLog
from server.db import write_transaction
from server.entries.kinds import registry
from server.households.tables import Household
from server.notify import jobs, triggers
from server.pairings.tables import Pairing
from server.sync import changelog


def _chunks(ids: list[int], size: int = 2000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


async def _audit(actor_id: int | None, action: str, volunteer_id: int, household_ids: list[int]):
    """One audit row per pairing made (``after``) or ended (``before``)."""
    side = "after" if action == "pairing.create" else "before"
    await AuditLog.insert(
        *[
            audit.row(
                actor_id,
                action,
                "pairing",
                h,
                **{side: {"volunteer": volunteer_id, "household": h}},
            )
            for h in household_ids
        ]
    )


async def pair(actor_id: int | None, volunteer_id: int, household_id: int) -> bool:
    """Pair a volunteer with a household (结对); False when they already are.

    With its audit row and, in the change log, the whole household and its
    recent visits for that volunteer's next pull. Permission checks are the caller's.
    """
    return bool(await pair_many(actor_id, volunteer_id, [household_id]))


async def pair_many(actor_id: int | None, volunteer_id: int, household_ids: list[int]) -> list[int]:
    """Pair several households with a volunteer in one transaction; returns the newly paired."""
    async with write_transaction():
        await changelog.lock()
        already = set(await _paired_among(volunteer_id, household_ids))
        new = [h for h in dict.fromkeys(household_ids) if h not in already]
        for chunk in _chunks(new):
            await Pairing.insert(*[Pairing(volunteer=volunteer_id, household=h) for h in chunk])
            await _audit(actor_id, "pairing.create", volunteer_id, chunk)
        if new:
            await changelog.scope_added(volunteer_id, new, await registry.shared_history(new))
            await triggers.households_paired(volunteer_id, new)
    jobs.wake()
    return new


async def unpair(actor_id: int | None, volunteer_id: int, household_id: int) -> bool:
    """End a pairing; False when there was none. The volunteer's phone gets a tombstone."""
    return bool(await unpair_many(actor_id, volunteer_id, [household_id]))


async def unpair_many(
    actor_id: int | None, volunteer_id: int, household_ids: list[int]
) -> list[int]:
    """End several pairings of a volunteer in one transaction; returns the ones ended."""
    async with write_transaction():
        await changelog.lock()
        ended: list[int] = []
        for chunk in _chunks(list(dict.fromkeys(household_ids))):
            rows = (
                await Pairing.update({Pairing.ended_at: dt.datetime.now(dt.UTC)})
                .where(
                    (Pairing.volunteer == volunteer_id)
                    & Pairing.household.is_in(chunk)
                    & Pairing.ended_at.is_null()
                )
                .returning(Pairing.household)
            )
            ended += sorted({r["household"] for r in rows})
        if not ended:
            return []
        await _audit(actor_id, "pairing.end", volunteer_id, ended)
        current = {}
        for chunk in _chunks(ended):
            rows = await Household.select(Household.id, Household.version).where(
                Household.id.is_in(chunk)
            )
            current.update({r["id"]: r["version"] for r in rows})
        await changelog.scope_removed(volunteer_id, current)
    return ended


async def _paired_among(volunteer_id: int, household_ids: list[int]) -> list[int]:
    paired: list[int] = []
    for chunk in _chunks(list(household_ids)):
        rows = await Pairing.select(Pairing.household).where(
            (Pairing.volunteer == volunteer_id)
            & Pairing.household.is_in(chunk)
            & Pairing.ended_at.is_null()
        )
        paired += [r["household"] for r in rows]
    return paired

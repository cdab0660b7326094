"""Sign-ups for activities: places in arrival order, a waiting list, moving up on withdrawal.

Every function that changes standings runs inside the writing transaction (the ingest of
an ``activity_signup`` entry, or an activity's change) and takes the change counter's
lock, then the activity's row lock, in that order (``changelog`` takes the counter
first everywhere): sign-ups for one activity take turns, so two arriving together for
the last place give it to one of them and put the other on the waiting list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.activities import publish
from server.activities.publish import standings
from server.activities.tables import Activity, ActivitySeat
from server.actor import now
from server.db import engine
from server.sync import changelog


@dataclass(frozen=True)
class Outcome:
    """What a sign-up or a withdrawal did, as the volunteer is told it."""

    outcome: str
    """``place``, ``waiting``, ``withdrawn``, ``unchanged`` (already so) or ``closed``
    (cancelled, not held, or without sign-up, when it arrived)."""
    state: str
    """Where the volunteer stands now: ``none``, ``place``, ``waiting`` or ``withdrawn``."""
    position: int | None = None
    """On the waiting list: their place in the queue (1 is next)."""
    taken: int = 0
    capacity: int | None = None
    promoted: list[int] = field(default_factory=list)
    """The volunteers a withdrawal moved up from the waiting list (to tell them)."""


async def _seats(activity_id: int) -> list[dict[str, Any]]:
    return (
        await ActivitySeat.select()
        .where(ActivitySeat.activity == activity_id)
        .order_by(ActivitySeat.queued)
    )


async def _locked(activity_id: int) -> dict[str, Any] | None:
    assert engine().transaction_exists(), "standings change inside a transaction"
    await changelog.lock()
    return await publish.lock(activity_id)


async def _set(seats: list[dict[str, Any]], activity_id: int, volunteer: int, state: str) -> None:
    """Put ``volunteer`` in ``state``; a new place in the queue unless only moving up."""
    mine = next((s for s in seats if s["volunteer"] == volunteer), None)
    values: dict[Any, Any] = {ActivitySeat.state: state, ActivitySeat.changed_at: now()}
    if state != "place" or mine is None or mine["state"] != "waiting":
        values[ActivitySeat.queued] = max((s["queued"] for s in seats), default=0) + 1
    if mine is None:
        await ActivitySeat.insert(
            ActivitySeat(
                activity=activity_id,
                volunteer=volunteer,
                state=state,
                queued=values[ActivitySeat.queued],
            )
        )
    else:
        await ActivitySeat.update(values).where(ActivitySeat.id == mine["id"])


async def _promote(activity: dict[str, Any], seats: list[dict[str, Any]]) -> list[int]:
    """Move the first waiting volunteers up into the free places; returns who moved."""
    taken = sum(1 for s in seats if s["state"] == "place")
    waiting = [s for s in seats if s["state"] == "waiting"]
    free = len(waiting) if activity["capacity"] is None else activity["capacity"] - taken
    moved = [s["volunteer"] for s in waiting[: max(free, 0)]]
    for volunteer in moved:
        await _set(seats, activity["id"], volunteer, "place")
    return moved


async def _told(activity_id: int, volunteer: int, outcome: str, promoted: list[int]) -> Outcome:
    """The outcome for ``volunteer``, after writing the new standings to the phones whose
    standing changed (the volunteer, those who moved up, everyone waiting)."""
    every = await standings(activity_id)
    affected = {volunteer, *promoted, *(v for v, s in every.items() if s["state"] == "waiting")}
    await publish.activity(activity_id, only=affected)
    row = await Activity.select(Activity.capacity).where(Activity.id == activity_id).first()
    mine = every.get(volunteer, {"state": "none", "position": None})
    return Outcome(
        outcome=outcome,
        state=mine["state"],
        position=mine["position"],
        taken=sum(1 for s in every.values() if s["state"] == "place"),
        capacity=row["capacity"] if row else None,
        promoted=promoted,
    )


async def sign_up(activity_id: int, volunteer: int) -> Outcome:
    """Sign ``volunteer`` up: a place while any is free, else the end of the waiting list
    (arrival order). Signing up again while placed or waiting changes nothing."""
    activity = await _locked(activity_id)
    seats = await _seats(activity_id)
    if activity is None or activity["status"] != "planned" or not activity["signup"]:
        return await _told(activity_id, volunteer, "closed", [])
    mine = next((s for s in seats if s["volunteer"] == volunteer), None)
    if mine is not None and mine["state"] in ("place", "waiting"):
        return await _told(activity_id, volunteer, "unchanged", [])
    taken = sum(1 for s in seats if s["state"] == "place")
    full = activity["capacity"] is not None and taken >= activity["capacity"]
    state = "waiting" if full else "place"
    await _set(seats, activity_id, volunteer, state)
    return await _told(activity_id, volunteer, state, [])


async def withdraw(activity_id: int, volunteer: int) -> Outcome:
    """Take ``volunteer`` off the activity (a place or the waiting list); a place set
    free goes to the first who waits. ``Outcome.promoted`` names who moved up."""
    activity = await _locked(activity_id)
    seats = await _seats(activity_id)
    mine = next((s for s in seats if s["volunteer"] == volunteer), None)
    if activity is None or mine is None or mine["state"] not in ("place", "waiting"):
        return await _told(activity_id, volunteer, "unchanged", [])
    await _set(seats, activity_id, volunteer, "withdrawn")
    promoted = await _promote(activity, await _seats(activity_id))
    return await _told(activity_id, volunteer, "withdrawn", promoted)


async def fill(activity_id: int) -> list[int]:
    """Give free places (after the capacity was raised) to those waiting, in order;
    returns who moved up. Runs inside the activity's change, which then writes the
    activity to every phone."""
    activity = await _locked(activity_id)
    if activity is None or activity["status"] != "planned" or not activity["signup"]:
        return []
    return await _promote(activity, await _seats(activity_id))


async def standing(activity: dict[str, Any], volunteer_id: int) -> dict[str, Any]:
    """Where ``volunteer_id`` stands for ``activity``: ``state`` (``none``, ``place``,
    ``waiting``, ``withdrawn``) and ``position`` on the waiting list; with ``taken``,
    the places taken, and ``waiting``, how many wait."""
    every = await standings(activity["id"])
    mine = every.get(volunteer_id, {"state": "none", "position": None})
    taken = sum(1 for s in every.values() if s["state"] == "place")
    waiting = sum(1 for s in every.values() if s["state"] == "waiting")
    return {**mine, "taken": taken, "waiting": waiting}


async def people(activity_id: int) -> dict[str, list[dict[str, Any]]]:
    """Who has a place and who waits (in queue order), for the activity's managers."""
    rows = (
        await ActivitySeat.select(
            ActivitySeat.state,
            ActivitySeat.volunteer,
            ActivitySeat.volunteer.display_name,
            ActivitySeat.volunteer.team.name,
            ActivitySeat.changed_at,
        )
        .where(ActivitySeat.activity == activity_id)
        .order_by(ActivitySeat.queued)
    )
    return {
        "place": [r for r in rows if r["state"] == "place"],
        "waiting": [r for r in rows if r["state"] == "waiting"],
    }

"""Sign-ups for activities: places in arrival order, a waiting list, moving up on withdrawal."""

from __future__ import annotations

from typing import Any

from server.activities.publish import standings
from server.activities.tables import ActivitySeat


async def standing(activity: dict[str, Any], volunteer_id: int) -> dict[str, Any]:
    """Where ``volunteer_id`` stands for ``activity``: ``state`` (``none``, ``place``,
    ``waiting``, ``withdrawn``) and ``position`` on the waiting list; with ``taken``,
    the places taken."""
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

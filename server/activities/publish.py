"""What phones pull of an activity (kind ``activity``), written to the change log of every
volunteer it is meant for, inside the writing transaction."""

from __future__ import annotations

from typing import Any

from server import scope
from server.accounts.tables import Account
from server.activities import checkin_keys as keys
from server.activities.tables import Activity, ActivitySeat
from server.db import is_sqlite
from server.scope import LOOKED_AFTER_ROLES
from server.sync import changelog
from server.sync.tables import SyncChange

KIND = "activity"


async def lock(activity_id: int) -> dict[str, Any] | None:
    """The activity's ``version``, ``status``, ``signup`` and ``capacity``, its row locked
    until the transaction ends (PostgreSQL; SQLite has one writer at a time anyway), so
    sign-ups and changes of one activity take turns."""
    query = Activity.select(
        Activity.id, Activity.version, Activity.status, Activity.signup, Activity.capacity
    ).where(Activity.id == activity_id)
    if not is_sqlite():
        query = query.lock_rows()
    return await query.first()


def payload(row: dict[str, Any]) -> dict[str, Any]:
    """The activity as a phone holds it (``mine`` is added per volunteer)."""
    check = None
    if row["latitude"] is not None and row["radius_m"] is not None:
        check = {"lat": row["latitude"], "lon": row["longitude"], "radius_m": row["radius_m"]}
    return {
        "kind": row["kind"],
        "title": row["title"],
        "place": row["place"],
        "content": row["content"],
        "organiser": row["organiser"],
        "person_in_charge": row["person_in_charge"],
        "starts_at": row["starts_at"].isoformat(),
        "ends_at": row["ends_at"].isoformat(),
        "area_id": str(row["area"]),
        "team_id": None if row["team"] is None else str(row["team"]),
        "signup": row["signup"],
        "capacity": row["capacity"],
        "place_check": check,
        "counts_as_service": row["counts_as_service"],
        "external_number": row["external_number"],
        "status": row["status"],
    }


async def standings(activity_id: int) -> dict[int, dict[str, Any]]:
    """``{volunteer: {state, position}}`` for everyone who signed up (or withdrew);
    ``position`` is the place on the waiting list (1 first), None otherwise."""
    rows = (
        await ActivitySeat.select(ActivitySeat.volunteer, ActivitySeat.state)
        .where(ActivitySeat.activity == activity_id)
        .order_by(ActivitySeat.queued)
    )
    result, waiting = {}, 0
    for r in rows:
        position = None
        if r["state"] == "waiting":
            waiting += 1
            position = waiting
        result[r["volunteer"]] = {"state": r["state"], "position": position}
    return result


async def activity(activity_id: int, only: set[int] | None = None) -> None:
    """Write the activity's state for every volunteer it is meant for (or ``only`` those
    of them, whose standing changed), and a tombstone for those it no longer is."""
    row = (
        await Activity.select(Activity.all_columns(), Activity.area.path)
        .where(Activity.id == activity_id)
        .first()
    )
    if row is None:
        return
    audience = set(await scope.activity_audience(row["team"], row["area.path"]))
    changes: list[changelog.Change] = []
    if only is None:
        holders = await SyncChange.select(SyncChange.volunteer).where(
            (SyncChange.kind == KIND)
            & (SyncChange.object_id == str(activity_id))
            & (SyncChange.deleted == False)  # noqa: E712
        )
        left = {r["volunteer"] for r in holders} - audience
        changes += [changelog.Change(v, KIND, str(activity_id), None, row["version"]) for v in left]
    data = payload(row)
    mine = await standings(activity_id)
    none = {"state": "none", "position": None}
    # The leaders' phones show the rotating check-in code offline: only they get the key.
    key = await keys.ensure(activity_id)
    leaders = await keys.leaders(audience)
    for volunteer in sorted(audience if only is None else audience & only):
        own = {"checkin_key": key} if volunteer in leaders else {}
        changes.append(
            changelog.Change(
                volunteer,
                KIND,
                str(activity_id),
                {**data, "mine": mine.get(volunteer, none), **own},
                row["version"],
            )
        )
    await changelog.write(changes)


async def for_account(account_id: int) -> None:
    """Write every activity meant for ``account_id`` to its change log, with its standing
    and, for a leader, the check-in keys: a new account, a newly promoted leader or a
    reactivated one has them at the next pull, not when each activity next changes.
    Inside the writing transaction (after ``changelog.lock()``)."""
    account = (
        await Account.select(Account.role, Account.team, Account.active)
        .where(Account.id == account_id)
        .first()
    )
    if account is None or not account["active"] or account["role"] not in LOOKED_AFTER_ROLES:
        return
    rows = await Activity.select(Activity.all_columns()).where(
        await scope.activities_of_team(account["team"])
    )
    seats = await ActivitySeat.select(ActivitySeat.activity).where(
        ActivitySeat.volunteer == account_id
    )
    mine = {}
    for seat in {s["activity"] for s in seats}:
        mine[seat] = (await standings(seat))[account_id]
    none = {"state": "none", "position": None}
    changes = []
    for row in rows:
        own = {"checkin_key": await keys.ensure(row["id"])} if account["role"] == "leader" else {}
        data = {**payload(row), "mine": mine.get(row["id"], none), **own}
        changes.append(changelog.Change(account_id, KIND, str(row["id"]), data, row["version"]))
    await changelog.write(changes)

"""What rings whom: the doorbells each event schedules (in the event's own transaction).

The kinds are the phone's words for what happened (the worker shows them); the target
is the page a tap opens. Coordinators hear of flagged entries and urgent needs in their
areas, and of phones that have held unsynced entries for days; volunteers of notices,
of households newly paired with them, of activities meant for them (new, changed,
cancelled), of moving up from a waiting list, and 24 h and 2 h before an activity they
have a place at.
"""

from __future__ import annotations

import datetime as dt
import uuid

from server import scope
from server.activities.tables import Activity, ActivitySeat
from server.actor import now
from server.i18n import LANGUAGES, N_, gettext
from server.notify import sms
from server.notify.jobs import Doorbell, schedule
from server.notify.tables import Notification
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


# --- activities -----------------------------------------------------------------------

CANCELLED = N_("Activity cancelled: {title}")
"""The SMS a cancellation sends (in the deployment's first language: a phone shows it as is)."""
REMINDERS = (("reminder_24h", dt.timedelta(hours=24)), ("reminder_2h", dt.timedelta(hours=2)))
"""Before an activity a volunteer has a place at."""


async def _activity(activity_id: int) -> dict | None:
    return (
        await Activity.select(
            Activity.id,
            Activity.team,
            Activity.area.path,
            Activity.starts_at,
            Activity.version,
            Activity.status,
            Activity.title,
        )
        .where(Activity.id == activity_id)
        .first()
    )


async def _seated(activity_id: int, states: list[str]) -> list[int]:
    rows = await ActivitySeat.select(ActivitySeat.volunteer).where(
        (ActivitySeat.activity == activity_id) & ActivitySeat.state.is_in(states)
    )
    return sorted({r["volunteer"] for r in rows})


def _reminder_prefix(activity_id: int) -> str:
    return f"reminder:{activity_id}:"


async def _drop_reminders(activity_id: int, volunteers: list[int] | None = None) -> None:
    """Reminders of an activity not rung yet (of ``volunteers``, else everyone's) go (their
    keys are free again: the same reminder may be scheduled anew)."""
    where = (Notification.state == "pending") & Notification.key.like(
        f"{_reminder_prefix(activity_id)}%"
    )
    if volunteers is not None:
        where &= Notification.account.is_in(volunteers or [-1])
    await Notification.delete().where(where)


async def _remind(activity: dict, volunteers: list[int]) -> None:
    """Reminders 24 h and 2 h before the activity starts (those still ahead)."""
    starts = activity["starts_at"]
    stamp = int(starts.timestamp())
    doorbells = [
        Doorbell(
            v,
            kind,
            f"/activities/{activity['id']}",
            f"{_reminder_prefix(activity['id'])}{stamp}:{kind}:{v}",
            "high" if kind == "reminder_2h" else "normal",
            starts - before,
        )
        for v in volunteers
        for kind, before in REMINDERS
        if starts - before > now()
    ]
    await schedule(doorbells)


async def activity_published(activity_id: int, kind: str) -> None:
    """A new activity (``activity_new``), a changed one (``activity_changed``: reminders move
    with its time) or a cancelled one (``activity_cancelled``: reminders go, and those with a
    place or waiting get an SMS if they asked for it), to everyone it is meant for. Runs in
    the activity's own transaction."""
    activity = await _activity(activity_id)
    if activity is None:
        return
    audience = await scope.activity_audience(activity["team"], activity["area.path"])
    target = f"/activities/{activity_id}"
    key = f"{kind}:{activity_id}:{activity['version']}"
    urgency = "high" if kind == "activity_cancelled" else "normal"
    await schedule([Doorbell(a, kind, target, f"{key}:{a}", urgency) for a in audience])
    if kind == "activity_new":
        return
    await _drop_reminders(activity_id)
    if kind == "activity_changed" and activity["status"] == "planned":
        await _remind(activity, await _seated(activity_id, ["place"]))
    if kind == "activity_cancelled":
        text = gettext(LANGUAGES[0], CANCELLED, title=activity["title"])
        await sms.queue(await _seated(activity_id, ["place", "waiting"]), text, key)


async def activity_ended(activity_id: int) -> None:
    """Marked not held: its reminders go (nobody is told; it is past)."""
    await _drop_reminders(activity_id)


async def seat_changed(activity_id: int, volunteer: int, state: str, promoted: list[int]) -> None:
    """A sign-up or a withdrawal: reminders for a place, none otherwise; those who moved up
    from the waiting list are told (and reminded)."""
    activity = await _activity(activity_id)
    if activity is None:
        return
    await _drop_reminders(activity_id, [volunteer])
    if state == "place":
        await _remind(activity, [volunteer])
    if promoted:
        target = f"/activities/{activity_id}"
        await schedule(
            [
                Doorbell(
                    p, "waitlist_promoted", target, f"promoted:{activity_id}:{uuid.uuid4()}:{p}"
                )
                for p in promoted
            ]
        )
        await _remind(activity, promoted)

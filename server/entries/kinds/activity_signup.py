"""``activity_signup`` (schema 1): a volunteer signing up for an activity, or withdrawing.

Offline, a sign-up is an entry like any other; the server decides the place when it
arrives, in arrival order (``activities.signups``). A sign-up that finds the activity
full is stored and put on the waiting list, and its result says so (``waiting_list``,
with the place in the queue): never dropped. A withdrawal moves the first waiting
volunteer up.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from server import scope
from server.activities import signups
from server.activities.tables import Activity, ActivitySignup
from server.db import insert_rows
from server.entries import chains
from server.entries.kinds.base import Corrections, Kind
from server.entries.prepared import Prepared, Problem, decode_problem, id_of
from server.entries.schemas import EntryResult
from server.entries.tables import Entry
from server.i18n import N_, gettext
from server.notify import triggers

if TYPE_CHECKING:
    from server.actor import Actor

MESSAGES = {
    "unknown_activity": N_("This activity is not one meant for you."),
    "activity_closed": N_("This activity was cancelled or did not take place."),
    "no_signup": N_("This activity takes no sign-ups."),
    "waiting_list": N_(
        "The activity was full when your sign-up arrived ({capacity} places taken): you are"
        " number {position} on the waiting list and move up when someone withdraws."
    ),
}
"""The codes this kind adds to the ingest path's."""


class ActivitySignupV1(Struct, forbid_unknown_fields=True):
    """``activity_signup`` schema 1."""

    activity_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    action: Literal["signup", "withdraw"] = "signup"
    """``signup`` (报名) or ``withdraw`` (退出报名 / 退出候补)."""


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check the activity is one meant for ``actor`` and open for sign-up; the place is
    decided inside the write transaction, in arrival order."""
    assert prepared.entry is not None
    try:
        data = msgspec.convert(prepared.entry.data, ActivitySignupV1)
    except msgspec.ValidationError as error:
        return decode_problem(error)
    activity_id = id_of(data.activity_id)
    clause = await scope.activities(actor)
    query = Activity.select(Activity.status, Activity.signup).where(
        Activity.id == (activity_id or -1)
    )
    row = await (query if clause is None else query.where(clause)).first()
    if row is None:
        return Problem("unknown_activity", "activity_id")
    if data.action == "signup":
        if row["status"] != "planned":
            return Problem("activity_closed", "activity_id")
        if not row["signup"]:
            return Problem("no_signup", "activity_id")
    assert activity_id is not None
    prepared.apply = functools.partial(_apply, actor, activity_id, data.action, prepared)
    return None


async def _apply(
    actor: Actor,
    activity_id: int,
    action: str,
    prepared: Prepared,
    device_id: str,
    language: str,
) -> EntryResult | None:
    if action == "signup":
        outcome = await signups.sign_up(activity_id, actor.id)
    else:
        outcome = await signups.withdraw(activity_id, actor.id)
    await triggers.seat_changed(activity_id, actor.id, outcome.state, outcome.promoted)
    # Written here, not through ``prepared.rows``: those are stored before ``apply`` runs.
    row = {
        "entry": prepared.entry_id,
        "activity": activity_id,
        "volunteer": actor.id,
        "action": action,
        "outcome": outcome.outcome,
        "position": outcome.position,
    }
    await insert_rows(ActivitySignup, [row])
    if outcome.outcome != "waiting":
        return None
    prepared.flag = ",".join(f for f in (prepared.flag, "waiting_list") if f)
    await Entry.update({Entry.flag: prepared.flag}).where(Entry.id == prepared.entry_id)
    text = gettext(
        language, MESSAGES["waiting_list"], capacity=outcome.capacity, position=outcome.position
    )
    return EntryResult(id=prepared.sent_id, status="accepted", code="waiting_list", error=text)


async def relinked(volunteer: int, data: Mapping[str, Any]) -> None:
    """A sign-up or withdrawal of ``volunteer`` was replaced or voided: their place is
    what their latest sign-up entry for that activity still says (none left: withdrawn),
    so a voided sign-up frees its place for the first who waits, as a withdrawal does."""
    activity_id = id_of(data.get("activity_id"))
    if activity_id is None:
        return
    latest = (
        await ActivitySignup.select(ActivitySignup.action)
        .where(
            (ActivitySignup.activity == activity_id)
            & (ActivitySignup.volunteer == volunteer)
            & chains.latest(ActivitySignup.entry)
        )
        .order_by(ActivitySignup.id, ascending=False)
        .first()
    )
    if latest is not None and latest["action"] == "signup":
        outcome = await signups.sign_up(activity_id, volunteer)
    else:
        outcome = await signups.withdraw(activity_id, volunteer)
    await triggers.seat_changed(activity_id, volunteer, outcome.state, outcome.promoted)


SAMPLE = {
    "id": "5d2c8e41-7b3a-4f19-9e6d-0a8b4c7f2e13",
    "kind": "activity_signup",
    "schema": 1,
    "recorded_at": "2026-12-10T19:20:05.311+08:00",
    "data": {"activity_id": "12", "action": "signup"},
    "attachments": [],
}

KIND = Kind(
    "activity_signup",
    1,
    ActivitySignupV1,
    prepare,
    MESSAGES,
    SAMPLE,
    corrections=Corrections(retract=lambda entry_id, data: [], relinked=relinked),
)

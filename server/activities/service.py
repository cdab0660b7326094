"""Activities: creating, changing, cancelling, marking not held; who sees which.

Who may do what is ``server.scope``'s rule (a coordinator for their areas, a team leader
for their own team); "not yours" reads as "not found". Every change writes its audit row
and the activity's new state to the change log of every volunteer it is meant for, in
the same transaction, so phones pull it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from server import scope
from server.activities import publish, signups
from server.activities.schemas import ActivityDraft
from server.activities.tables import KINDS, Activity
from server.actor import Actor, now
from server.areas import service as areas
from server.areas.tables import Team
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_
from server.notify import jobs, triggers
from server.sync import changelog
from server.wire import parse_time

MESSAGES = {
    "kind_unknown": N_("Choose the kind of activity."),
    "title_missing": N_("Enter a title."),
    "too_long": N_("{field} is too long."),
    "bad_start": N_("Enter when it starts."),
    "bad_end": N_("Enter when it ends."),
    "ends_before_start": N_("It must end after it starts."),
    "no_target": N_("Choose the area or the team it is for."),
    "bad_capacity": N_("Places must be a whole number from 1 to 100000, or empty for no limit."),
    "bad_place_check": N_(
        "For the place check give latitude (-90 to 90), longitude (-180 to 180) and a radius"
        " in metres (10 to 100000), or leave all three empty."
    ),
    "stale": N_("Someone changed this activity meanwhile; here it is as it is now."),
    "not_planned": N_("This activity is cancelled or did not take place."),
}
"""Why a change was refused, by code."""
LIMITS = {
    "title": 100,
    "place": 200,
    "content": 2000,
    "organiser": 100,
    "person_in_charge": 100,
    "external_number": 64,
}
FIELD_NAMES = {
    "title": N_("Title"),
    "place": N_("Place"),
    "content": N_("Service content"),
    "organiser": N_("Organising unit"),
    "person_in_charge": N_("Person in charge"),
    "external_number": N_("Project number"),
}
"""The label of each text field, named in ``too_long``."""


class Refused(Exception):
    """A change that breaks a rule; ``code`` is a key of ``MESSAGES``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class NotFound(Exception):
    """No such activity within the actor's reach."""


def _local(value: str, zone: ZoneInfo) -> dt.datetime | None:
    """A ``datetime-local`` value in ``zone`` (or an RFC 3339 time) as UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parse_time(parsed.isoformat()) and parsed.astimezone(dt.UTC)


def _number(value: str, kind: type, low: float, high: float) -> Any:
    """``value`` as ``kind`` within ``low``..``high``; None when empty; ValueError if not."""
    value = value.strip()
    if not value:
        return None
    number = kind(value)
    if (isinstance(number, float) and not math.isfinite(number)) or not low <= number <= high:
        raise ValueError(value)
    return number


def _place_check(draft: ActivityDraft) -> dict[str, Any]:
    try:
        values = [
            _number(draft.latitude, float, -90, 90),
            _number(draft.longitude, float, -180, 180),
            _number(draft.radius_m, int, 10, 100_000),
        ]
    except ValueError:
        raise Refused("bad_place_check") from None
    if any(v is None for v in values) and any(v is not None for v in values):
        raise Refused("bad_place_check")
    return dict(zip(("latitude", "longitude", "radius_m"), values, strict=True))


def clean(draft: ActivityDraft, zone: ZoneInfo) -> dict[str, Any]:
    """The columns an activity form gives, or Refused (the first rule it breaks)."""
    if draft.kind not in KINDS:
        raise Refused("kind_unknown")
    texts = {f: " ".join(getattr(draft, f).split()) for f in LIMITS if f != "content"}
    texts["content"] = draft.content.strip()
    if not texts["title"]:
        raise Refused("title_missing")
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            raise Refused("too_long", field=FIELD_NAMES[name])
    starts_at, ends_at = _local(draft.starts_at, zone), _local(draft.ends_at, zone)
    if starts_at is None:
        raise Refused("bad_start")
    if ends_at is None:
        raise Refused("bad_end")
    if ends_at <= starts_at:
        raise Refused("ends_before_start")
    try:
        capacity = _number(draft.capacity, int, 1, 100_000) if draft.signup else None
    except ValueError:
        raise Refused("bad_capacity") from None
    return {
        "kind": draft.kind,
        **texts,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "signup": draft.signup,
        "capacity": capacity,
        **_place_check(draft),
        "counts_as_service": draft.counts_as_service,
    }


def _id(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) < 2**31 else None


async def _target(actor: Actor, draft: ActivityDraft) -> tuple[int, int | None]:
    """``(area, team)`` the activity is for, checked against what ``actor`` may target:
    a leader only their own team; a coordinator a team or an area of theirs."""
    team_id, area_id = _id(draft.team), _id(draft.area)
    if not actor.is_coordinator:
        team_id = actor.team_id if actor.role == "leader" else None
    if team_id is not None:
        try:
            team = await areas.team(actor, team_id) if actor.is_coordinator else None
        except areas.NotFound:
            raise Refused("no_target") from None
        area = team["area"] if team else await _team_area(team_id)
        if area is None:
            raise Refused("no_target")
        return area, team_id
    if area_id is None:
        raise Refused("no_target")
    try:
        await areas.area(actor, area_id)
    except areas.NotFound:
        raise Refused("no_target") from None
    return area_id, None


async def _team_row(team_id: int | None) -> dict[str, Any] | None:
    if team_id is None:
        return None
    return await Team.select(Team.all_columns(), Team.area.name).where(Team.id == team_id).first()


async def _team_area(team_id: int) -> int | None:
    row = await _team_row(team_id)
    return row["area"] if row else None


def _audited(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in values.items()}


async def create(actor: Actor, draft: ActivityDraft, zone: ZoneInfo) -> int:
    """A new activity (status planned, version 1); returns its id."""
    values = clean(draft, zone)
    area_id, team_id = await _target(actor, draft)
    values.update(area=area_id, team=team_id, external_number=values.pop("external_number"))
    async with write_transaction():
        rows = await Activity.insert(Activity(**values, created_by=actor.id)).returning(Activity.id)
        activity_id = rows[0]["id"]
        await audit.record(
            actor.id, "activity.create", "activity", activity_id, after=_audited(values)
        )
        await publish.activity(activity_id)
        await triggers.activity_published(activity_id, "activity_new")
    jobs.wake()
    return activity_id


async def managed(actor: Actor, activity_id: int) -> dict[str, Any]:
    """One activity ``actor`` may change, else NotFound."""
    row = await _row(activity_id)
    if row is None or not scope.manages_activity(actor, row):
        raise NotFound
    return row


async def seen(actor: Actor, activity_id: int) -> dict[str, Any]:
    """One activity ``actor`` may see (meant for them, or theirs to manage), else NotFound."""
    row = await _row(activity_id)
    if row is None:
        raise NotFound
    if scope.manages_activity(actor, row):
        return row
    clause = await scope.activities(actor)
    query = Activity.exists().where(Activity.id == activity_id)
    if not await (query if clause is None else query.where(clause)):
        raise NotFound
    return row


async def _row(activity_id: int) -> dict[str, Any] | None:
    if not 0 < activity_id < 2**31:
        return None
    return (
        await Activity.select(
            Activity.all_columns(), Activity.area.name, Activity.area.path, Activity.team.name
        )
        .where(Activity.id == activity_id)
        .first()
    )


async def change(actor: Actor, activity_id: int, draft: ActivityDraft, zone: ZoneInfo) -> None:
    """Change an activity's details; refused as ``stale`` when the form showed an older
    version, ``not_planned`` once it is cancelled or marked not held.

    Lock order (PostgreSQL): the change counter, then the activity row, as a sign-up's
    ingest takes them."""
    before = await managed(actor, activity_id)
    values = clean(draft, zone)
    area_id, team_id = await _target(actor, draft)
    values.update(area=area_id, team=team_id)
    async with write_transaction():
        await changelog.lock()
        current = await publish.lock(activity_id)
        if current is None:
            raise NotFound
        if str(current["version"]) != draft.version.strip():
            raise Refused("stale")
        if current["status"] != "planned":
            raise Refused("not_planned")
        await Activity.update(
            {**values, "version": Activity.version + 1, "updated_at": now()}  # type: ignore[dict-item]
        ).where(Activity.id == activity_id)
        changed = {k: v for k, v in values.items() if before.get(k) != v}
        await audit.record(
            actor.id,
            "activity.change",
            "activity",
            activity_id,
            _audited({k: before.get(k) for k in changed}),
            _audited(changed),
        )
        promoted = await signups.fill(activity_id)
        await publish.activity(activity_id)
        await triggers.activity_published(activity_id, "activity_changed")
        for volunteer in promoted:
            await triggers.seat_changed(activity_id, volunteer, "place", [volunteer])
    jobs.wake()


async def set_status(actor: Actor, activity_id: int, status: str) -> None:
    """Cancel an activity (``cancelled``) or mark that it did not happen (``not_held``)."""
    assert status in ("cancelled", "not_held")
    before = await managed(actor, activity_id)
    async with write_transaction():
        await changelog.lock()
        updated = (
            await Activity.update(
                {
                    Activity.status: status,
                    Activity.version: Activity.version + 1,
                    Activity.updated_at: now(),
                }
            )
            .where((Activity.id == activity_id) & (Activity.status != status))
            .returning(Activity.id)
        )
        if not updated:
            return
        await audit.record(
            actor.id,
            f"activity.{status}",
            "activity",
            activity_id,
            {"status": before["status"]},
            {"status": status},
        )
        await publish.activity(activity_id)
        if status == "cancelled":
            await triggers.activity_published(activity_id, "activity_cancelled")
        else:
            await triggers.activity_ended(activity_id)
    jobs.wake()


@dataclass(frozen=True)
class Held:
    """The activities a dashboard count of activities held counts (its link's filters)."""

    place: int | None = None
    """An area: activities of it and of the areas under it."""
    team: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    """Started from ``since``, before ``until`` (and before now), neither cancelled nor
    marked as not held."""


async def listing(
    actor: Actor, *, managing: bool, held: Held | None = None
) -> list[dict[str, Any]]:
    """Activities, soonest last-started first: those ``actor`` manages, or those meant
    for them; only those ``held`` asks for when given."""
    clause = scope.managed_activities(actor) if managing else await scope.activities(actor)
    query = Activity.select(
        Activity.all_columns(), Activity.area.name, Activity.team.name
    ).order_by(Activity.starts_at, ascending=False)
    if clause is not None:
        query = query.where(clause)
    if held is not None:
        query = query.where(
            (Activity.status == "planned") & (Activity.starts_at < now()),
            await scope.place(actor, Activity.area.path, held.place),
        )
        if held.team is not None:
            query = query.where(Activity.team == held.team)
        if held.since is not None:
            query = query.where(Activity.starts_at >= held.since)
        if held.until is not None:
            query = query.where(Activity.starts_at < held.until)
    return await query


async def targets(actor: Actor) -> dict[str, list[dict[str, Any]]]:
    """The areas and teams ``actor`` may create an activity for."""
    if actor.is_coordinator:
        return {
            "areas": [a for a in await areas.areas(actor) if not a["retired"]],
            "teams": [t for t in await areas.teams(actor) if not t["retired"]],
        }
    row = await _team_row(actor.team_id) if actor.role == "leader" else None
    return {"areas": [], "teams": [row] if row else []}


def manages(actor: Actor, activity: dict[str, Any]) -> bool:
    """True when ``actor`` may change ``activity`` (``scope.manages_activity``)."""
    return scope.manages_activity(actor, activity)


def blank(actor: Actor) -> dict[str, Any]:
    """The values of an empty form: a volunteer service that counts, for the leader's team."""
    return {
        "kind": "volunteer_service",
        "counts_as_service": "on",
        "team": str(actor.team_id) if actor.role == "leader" and actor.team_id else "",
    }


def values_of(activity: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """The change form's values for ``activity`` (local times, boxes as ``on``)."""
    values = {f: activity[f] for f in (*LIMITS, "kind")}

    def local(value: dt.datetime) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    values.update(
        starts_at=local(activity["starts_at"]),
        ends_at=local(activity["ends_at"]),
        area=text(activity["area"]),
        team=text(activity["team"]),
        signup="on" if activity["signup"] else "",
        capacity=text(activity["capacity"]),
        latitude=text(activity["latitude"]),
        longitude=text(activity["longitude"]),
        radius_m=text(activity["radius_m"]),
        counts_as_service="on" if activity["counts_as_service"] else "",
        version=str(activity["version"]),
    )
    return values

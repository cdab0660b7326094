"""What ``check_in`` and ``check_out`` (schema 1) share: the data a phone sends, the checks,
and the row an accepted mark writes.

A mark is never refused for a doubtful code, time or place: it is stored and flagged
(``Entry.flag``, several flags joined by commas) for a coordinator, so nothing a volunteer
did at a venue is lost. It is refused only when it cannot be about anything
(``unknown_activity``) or when a leader records it for someone outside their team
(``not_your_team``).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from server import checkin_code as codes
from server import scope
from server.activities.tables import Activity
from server.actor import Actor
from server.attendance.tables import CheckinKey
from server.entries.kinds.base import Corrections
from server.entries.kinds.visit import Location
from server.entries.prepared import Prepared, Problem, decode_problem, id_of
from server.i18n import N_

MESSAGES = {
    "unknown_activity": N_("This activity is not one you can check in to."),
    "not_your_team": N_("You can check in only members of your own team."),
}
"""The codes the two kinds add to the ingest path's."""
FLAGS = {
    "code_wrong": N_("wrong code"),
    "code_stale": N_("code from another minute"),
    "outside_window": N_("outside the activity's time"),
    "far_from_place": N_("away from the place"),
    "no_location": N_("no location"),
    "activity_not_held": N_("activity not held"),
}
"""What each flag a mark can carry says to a coordinator."""
CODE_MINUTES = 3
"""A rotating code is good this many minutes either side of the mark's time (a slow scan,
a leader's clock a little off)."""
WINDOW_BEFORE = dt.timedelta(hours=2)
WINDOW_AFTER = dt.timedelta(hours=2)
"""How long before the start and after the end a mark is in the activity's time window."""
EARTH_RADIUS_M = 6_371_000


class MarkV1(Struct, forbid_unknown_fields=True):
    """``check_in`` / ``check_out`` schema 1: at an activity, at the entry's ``recorded_at``."""

    activity_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    code: Annotated[str, Meta(max_length=12)] = ""
    """The code shown on the leader's screen or the poster; empty when a leader records
    the mark for ``member_id``."""
    member_id: Annotated[str, Meta(max_length=20, pattern=r"^[0-9]+$")] | None = None
    """A team member without a phone, checked in (or out) by their team leader."""
    location: Location | None = None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _code_flags(key: str | None, code: str, at: dt.datetime) -> list[str]:
    found = codes.find(key, code, at) if key else None
    if found is None:
        return ["code_wrong"]
    if found != "poster" and abs(int(found) - codes.minute_of(at)) > CODE_MINUTES:
        return ["code_stale"]
    return []


def _place_flags(activity: dict[str, Any], mark: MarkV1) -> list[str]:
    if activity["latitude"] is None or activity["radius_m"] is None:
        return []
    if mark.location is None:
        return ["no_location"]
    away = distance_m(
        activity["latitude"], activity["longitude"], mark.location.lat, mark.location.lon
    )
    return ["far_from_place"] if away > activity["radius_m"] + (mark.location.accuracy or 0) else []


def flags(
    activity: dict[str, Any], key: str | None, mark: MarkV1, at: dt.datetime, by_leader: bool
) -> str:
    """The flags of a mark made at ``at`` (server time), joined by commas."""
    found: list[str] = []
    if activity["status"] != "planned":
        found.append("activity_not_held")
    if not by_leader:
        found += _code_flags(key, mark.code.strip(), at)
        found += _place_flags(activity, mark)
    if not activity["starts_at"] - WINDOW_BEFORE <= at <= activity["ends_at"] + WINDOW_AFTER:
        found.append("outside_window")
    return ",".join(found)


async def _activity(actor: Actor, activity_id: int) -> dict[str, Any] | None:
    query = Activity.select(Activity.all_columns(), Activity.area.path).where(
        Activity.id == activity_id
    )
    seen = await scope.activities(actor)
    return await (query if seen is None else query.where(seen)).first()


async def key_of(activity_id: int) -> str | None:
    """The activity's check-in key, if it has one yet."""
    row = (
        await CheckinKey.select(CheckinKey.secret).where(CheckinKey.activity == activity_id).first()
    )
    return row["secret"] if row else None


def prepare_mark(table: Any) -> Any:
    """The ``prepare`` of a mark kind whose rows go to ``table``."""

    async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
        assert prepared.entry is not None and prepared.recorded_at is not None
        try:
            mark = msgspec.convert(prepared.entry.data, MarkV1)
        except msgspec.ValidationError as error:
            return decode_problem(error)
        activity_id = id_of(mark.activity_id)
        activity = None if activity_id is None else await _activity(actor, activity_id)
        if activity is None:
            return Problem("unknown_activity", "activity_id")
        person = actor.id
        member = id_of(mark.member_id) if mark.member_id is not None else None
        by_leader = mark.member_id is not None and member != actor.id
        if by_leader:
            if member is None or not await scope.leads_member(actor, member):
                return Problem("not_your_team", "member_id")
            person = member
        offset = prepared.lookups.clock_offset_ms if prepared.lookups else 0
        at = prepared.recorded_at + dt.timedelta(milliseconds=offset)
        key = None if by_leader else await key_of(activity["id"])
        prepared.flag = flags(activity, key, mark, at, by_leader)
        assert prepared.entry_id is not None
        prepared.rows = [(table, row(prepared.entry_id, actor, person, activity["id"], at, mark))]
        return None

    return prepare


def row(
    entry_id: uuid.UUID, actor: Actor, person: int, activity_id: int, at: dt.datetime, mark: MarkV1
) -> dict[str, Any]:
    """The row of an accepted mark."""
    location = mark.location
    return {
        "entry": entry_id,
        "activity": activity_id,
        "person": person,
        "recorded_by": actor.id,
        "at": at.astimezone(dt.UTC),
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
    }


def sample(kind: str, entry_id: str) -> dict[str, Any]:
    """A mark as a phone sends it (the activity id is replaced at test time)."""
    return {
        "id": entry_id,
        "kind": kind,
        "schema": 1,
        "recorded_at": "2026-11-20T09:02:11.000+08:00",
        "data": {
            "activity_id": "12",
            "code": "493027",
            "location": {"lat": 32.8347, "lon": 110.8132, "accuracy": 18.0},
        },
        "attachments": [],
    }


CORRECTIONS = Corrections(retract=lambda entry_id, data: [])
"""A mark is corrected (a wrong activity) or voided (a mistaken tap) like any entry; it
shares nothing with other phones, so there is nothing to take back."""

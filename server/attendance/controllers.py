"""签到 / 签退 pages: the volunteer's check-in page (kept offline), the leader's rotating
QR screen with the team list, the printed poster, a coordinator's attendance list, and a
volunteer's service hours."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import segno
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server import checkin_code
from server.activities import service as activities
from server.actor import Actor, now
from server.attendance import hours, records, trainings
from server.attendance import service as counting
from server.entries import service as entries
from server.entries.kinds import attendance_mark as marks
from server.forms import done, form_of, refusal
from server.settings import Settings
from server.web import language_of, public_origin
from server.wire import parse_time

AnyRequest = Request[Actor, str, Any]
KINDS = {"in": "check_in", "out": "check_out"}


async def _seen(actor: Actor, activity_id: int) -> dict[str, Any]:
    try:
        return await activities.seen(actor, activity_id)
    except activities.NotFound:
        raise NotFoundException() from None


async def _managed(actor: Actor, activity_id: int) -> dict[str, Any]:
    try:
        return await activities.managed(actor, activity_id)
    except activities.NotFound:
        raise NotFoundException() from None


def _mark_time(rendered_at: str) -> str:
    """When the form was shown, if that was within the hour (so posting the same form
    again is the same entry, a duplicate); else now."""
    shown = parse_time(rendered_at)
    moment = now()
    if shown is not None and moment - dt.timedelta(hours=1) <= shown <= moment:
        return rendered_at
    return moment.isoformat(timespec="milliseconds")


def checkin_url(origin: str, activity_id: int, code: str) -> str:
    """What a check-in QR code holds: a plain address any camera app opens."""
    return f"{origin}/checkin/{activity_id}?c={code}"


class CheckinController(Controller):
    """``/checkin``: a volunteer's check-in and check-out at an activity."""

    path = "/checkin"

    @get("/")
    async def shell(self, request: AnyRequest) -> Template:
        """The check-in page with no activity named: the copy the phone keeps, which opens
        for any ``/checkin/<id>?c=<code>`` with no network."""
        return Template("checkin.html", context={"activity": None, "entry_id": ""})

    @get("/{activity_id:int}")
    async def page(self, request: AnyRequest, activity_id: FromPath[int]) -> Template:
        """The check-in page of one activity, the code from the QR code filled in."""
        activity = await _seen(request.user, activity_id)
        context = {
            "activity": activity,
            "entry_id": str(uuid.uuid4()),
            "rendered_at": now().isoformat(timespec="milliseconds"),
            "code": request.query_params.get("c", "")[:12],
            "saved": request.query_params.get("saved", ""),
        }
        return Template("checkin.html", context=context)

    @post("/{activity_id:int}", status_code=303)
    async def save(self, request: AnyRequest, activity_id: FromPath[int]) -> Redirect | Template:
        """A check-in or check-out posted without the page script (or a leader's tick for
        a member): the same entry, through the one ingest path."""
        await _seen(request.user, activity_id)
        form = await form_of(request)
        kind = KINDS.get(form.get("direction", ""), "")
        if not kind:
            raise NotFoundException()
        data: dict[str, Any] = {"activity_id": str(activity_id), "code": form.get("code", "")[:12]}
        if form.get("member_id"):
            data["member_id"] = form["member_id"][:20]
        try:
            entry_id = str(uuid.UUID(form.get("entry_id", "")))
        except ValueError:
            entry_id = str(uuid.uuid4())
        entry = {
            "id": entry_id,
            "kind": kind,
            "schema": 1,
            "recorded_at": _mark_time(form.get("rendered_at", "")),
            "data": data,
        }
        [result] = await entries.ingest(request.user, [entry], language_of(request))
        back = form.get("back", "")
        if result.status == "rejected":
            context = {"activity": await _seen(request.user, activity_id), "error": result.error}
            context |= {"entry_id": str(uuid.uuid4()), "code": data["code"]}
            return Template("checkin.html", context=context, status_code=422)
        if back == "screen":
            return done(f"/activities/{activity_id}/checkin-code?saved={result.status}")
        return done(f"/checkin/{activity_id}?saved={result.status}")


class AttendanceController(Controller):
    """``/activities/<id>/…``: the leader's screen, the poster, the attendance list."""

    path = "/activities/{activity_id:int}"

    @get("/checkin-code")
    async def screen(self, request: AnyRequest, activity_id: FromPath[int]) -> Template:
        """The rotating check-in QR code (drawn on the phone from the key, offline) and the
        team members without a phone to tick."""
        activity = await _managed(request.user, activity_id)
        context = {
            "activity": activity,
            "key": await marks.key_of(activity_id),
            "origin": public_origin(request),
            "members": await records.team_at(request.user, activity_id),
            "entry_id": str(uuid.uuid4()),
            "saved": request.query_params.get("saved", ""),
        }
        return Template("checkin_screen.html", context=context)

    @get("/poster")
    async def poster(self, request: AnyRequest, activity_id: FromPath[int]) -> Template:
        """A printable poster: a check-in QR code that never changes, its code under it."""
        activity = await _managed(request.user, activity_id)
        key = await marks.key_of(activity_id) or ""
        code = checkin_code.poster_code(key) if key else ""
        url = checkin_url(public_origin(request), activity_id, code)
        qr = segno.make(url, error="m").svg_data_uri(scale=10, border=4, light="#fff")
        return Template(
            "checkin_poster.html", context={"activity": activity, "code": code, "qr": qr}
        )

    async def _list(
        self,
        request: AnyRequest,
        activity: dict[str, Any],
        zone: ZoneInfo,
        error: str = "",
        status: int = 200,
    ) -> Template:
        span, found, flags = await counting.activity_attendance(activity["id"], zone)
        spans = {activity["id"]: span} if span else {}
        audience = await records.audience_names(activity)
        people = await records.names({a.person_id for a in found})
        context = {
            "activity": activity,
            "attendances": found,
            "names": people,
            "audience": audience,
            "flags": flags,
            "totals": hours.totals(spans, found) if span else None,
            "open": records.is_open(activity, zone, now().astimezone(zone).date()),
            "closes_on": records.closes_on(activity["ends_at"], zone),
            "is_admin": request.user.is_admin,
            "error": error,
            "trainings": (
                await trainings.totals([activity["id"]])
                if activity["kind"] == "first_aid_training"
                else None
            ),
        }
        return Template("attendance.html", context=context, status_code=status)

    @get("/attendance")
    async def attendance(
        self, request: AnyRequest, activity_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """Who attended, their verified and make-up minutes, what is flagged."""
        activity = await _managed(request.user, activity_id)
        return await self._list(request, activity, ZoneInfo(settings.time_zone))

    @post("/attendance", status_code=303)
    async def change(
        self, request: AnyRequest, activity_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """A coordinator confirms, adjusts or adds (补录) one person's attendance."""
        actor = request.user
        activity = await _managed(actor, activity_id)
        if not actor.is_coordinator:
            raise NotFoundException()
        zone = ZoneInfo(settings.time_zone)
        try:
            await records.record_change(
                actor, activity, await form_of(request), zone, now().astimezone(zone).date()
            )
        except records.Refused as refused:
            error = refusal(request, refused.code, records.MESSAGES)
            return await self._list(request, activity, zone, error=error, status=422)
        return done(f"/activities/{activity_id}/attendance")


class HoursController(Controller):
    """``/me/hours``: a volunteer's service hours and person-times this year."""

    path = "/me/hours"

    @get("/")
    async def mine(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Template:
        """This year's (or ``?year=``'s) verified and make-up hours, 人次, and progress to
        20 hours."""
        zone = ZoneInfo(settings.time_zone)
        asked = request.query_params.get("year", "")
        year = (
            int(asked)
            if asked.isascii() and asked.isdigit() and 2000 <= int(asked) <= 2999
            else now().astimezone(zone).year
        )
        totals, found, spans = await counting.person_year(request.user.id, year, zone)
        titles = await counting.titles(sorted({a.activity_id for a in found}))
        context = {
            "year": year,
            "totals": totals,
            "attendances": [a for a in found if spans[a.activity_id].service],
            "titles": titles,
            "target": hours.YEAR_TARGET_MINUTES,
        }
        return Template("hours.html", context=context)

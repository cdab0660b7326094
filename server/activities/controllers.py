"""活动: the activities list, an activity's page, and creating and changing activities."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.activities import service, signup_form, signups
from server.activities.schemas import KIND_LABELS, STATUS_LABELS, ActivityDraft
from server.actor import Actor, day_start
from server.entries import service as entries
from server.forms import done, form_of, int_or_none
from server.i18n import gettext
from server.settings import Settings
from server.web import language_of

AnyRequest = Request[Actor, str, Any]


def _may_create(actor: Actor) -> bool:
    return actor.is_coordinator or (actor.role == "leader" and actor.team_id is not None)


def _message(request: AnyRequest, refused: service.Refused) -> str:
    language = language_of(request)
    params = {k: gettext(language, v) for k, v in refused.params.items()}
    return gettext(language, service.MESSAGES[refused.code], **params)


def _labels() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS}


def _id(value: str | None) -> int | None:
    number = int_or_none(value)
    return number if number is not None and 0 < number < 2**31 else None


def _held(request: AnyRequest, zone: ZoneInfo) -> service.Held | None:
    query = request.query_params
    if query.get("held") != "1":
        return None
    return service.Held(
        _id(query.get("area")),
        _id(query.get("team")),
        day_start(query.get("from"), zone),
        day_start(query.get("to"), zone, shift=1),
    )


class ActivityController(Controller):
    """``/activities``: what volunteers see and sign up for; coordinators' and team
    leaders' forms to create and change activities."""

    path = "/activities"

    @get("/")
    async def index(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Template:
        """The activities meant for the volunteer, and those the actor manages; with
        ``held=1`` (the dashboard's link) only those held under ``area``, by ``team``,
        started ``from`` .. ``to`` (local dates)."""
        actor = request.user
        held = _held(request, ZoneInfo(settings.time_zone))
        context = {
            "mine": [] if actor.is_coordinator else await service.listing(actor, managing=False),
            "managed": await service.listing(actor, managing=True, held=held),
            "may_create": _may_create(actor),
            "held": held,
            **_labels(),
        }
        return Template("activities.html", context=context)

    async def _form(
        self,
        request: AnyRequest,
        settings: Settings,
        values: dict[str, Any],
        activity: dict[str, Any] | None = None,
        error: str = "",
        status: int = 200,
    ) -> Template:
        context = {
            "values": values,
            "activity": activity,
            "targets": await service.targets(request.user),
            "error": error,
            **_labels(),
        }
        return Template("activity_form.html", context=context, status_code=status)

    @get("/new")
    async def new(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Template:
        """The form for a new activity (coordinators, team leaders)."""
        if not _may_create(request.user):
            raise NotFoundException()
        return await self._form(request, settings, service.blank(request.user))

    @post("/", status_code=303)
    async def create(
        self, request: AnyRequest, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Create the activity and show its page."""
        if not _may_create(request.user):
            raise NotFoundException()
        form = await form_of(request)
        draft = ActivityDraft.of(form)
        try:
            activity_id = await service.create(request.user, draft, ZoneInfo(settings.time_zone))
        except service.Refused as refused:
            return await self._form(request, settings, form, None, _message(request, refused), 422)
        return done(f"/activities/{activity_id}")

    async def _page(
        self, request: AnyRequest, activity_id: int, error: str = "", status: int = 200
    ) -> Template:
        try:
            activity = await service.seen(request.user, activity_id)
        except service.NotFound:
            raise NotFoundException() from None
        manages = service.manages(request.user, activity)
        context = {
            "activity": activity,
            "manages": manages,
            "standing": await signups.standing(activity, request.user.id),
            "people": await signups.people(activity_id) if manages else None,
            "saved": request.query_params.get("saved", ""),
            "signup_form": signup_form.blank(),
            "error": error,
            **_labels(),
        }
        return Template("activity.html", context=context, status_code=status)

    @get("/{activity_id:int}")
    async def show(self, request: AnyRequest, activity_id: FromPath[int]) -> Template:
        """One activity: what, when, where; the volunteer's standing; for those who
        manage it, who signed up and who waits."""
        return await self._page(request, activity_id)

    @post("/{activity_id:int}/signup", status_code=303)
    async def signup(self, request: AnyRequest, activity_id: FromPath[int]) -> Template | Redirect:
        """Sign up or withdraw without the outbox: the same entry, the same ingest path."""
        entry = signup_form.entry(await form_of(request), activity_id)
        [result] = await entries.ingest(request.user, [entry], language_of(request))
        if result.status == "rejected":
            return await self._page(request, activity_id, result.error, 422)
        return Redirect(f"/activities/{activity_id}?saved={result.status}", status_code=303)

    @get("/{activity_id:int}/edit")
    async def edit(
        self, request: AnyRequest, activity_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """The activity's change form, with the version it shows."""
        try:
            activity = await service.managed(request.user, activity_id)
        except service.NotFound:
            raise NotFoundException() from None
        values = service.values_of(activity, ZoneInfo(settings.time_zone))
        return await self._form(request, settings, values, activity)

    @post("/{activity_id:int}/edit", status_code=303)
    async def change(
        self, request: AnyRequest, activity_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Store the change (refused if someone else changed it since the form was shown)."""
        zone = ZoneInfo(settings.time_zone)
        form = await form_of(request)
        try:
            await service.change(request.user, activity_id, ActivityDraft.of(form), zone)
        except service.NotFound:
            raise NotFoundException() from None
        except service.Refused as refused:
            activity = await service.managed(request.user, activity_id)
            if refused.code in ("stale", "not_planned"):
                form = service.values_of(activity, zone)
            return await self._form(
                request, settings, form, activity, _message(request, refused), 422
            )
        return done(f"/activities/{activity_id}")

    async def _status(self, request: AnyRequest, activity_id: int, status: str) -> Redirect:
        try:
            await service.set_status(request.user, activity_id, status)
        except service.NotFound:
            raise NotFoundException() from None
        return done(f"/activities/{activity_id}")

    @post("/{activity_id:int}/cancel", status_code=303)
    async def cancel(self, request: AnyRequest, activity_id: FromPath[int]) -> Redirect:
        """Cancel the activity; phones hear of it at their next pull."""
        return await self._status(request, activity_id, "cancelled")

    @post("/{activity_id:int}/not-held", status_code=303)
    async def not_held(self, request: AnyRequest, activity_id: FromPath[int]) -> Redirect:
        """Mark that the activity did not take place (it then counts nothing)."""
        return await self._status(request, activity_id, "not_held")

"""需要跟进: the queue of open follow-ups and one item's page (assign, notes, close)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server import scope
from server.actor import Actor
from server.followups import filters, service
from server.followups.filters import AREAS
from server.forms import form_of, int_or_none
from server.i18n import N_
from server.settings import Settings
from server.web import coordinators_only, t

MESSAGES = {
    "outcome_required": N_("Say what was done."),
    "note_required": N_("Write the note."),
    "too_long": N_("At most {n} characters."),
    "unknown_volunteer": N_("Choose a volunteer from the list."),
}
"""The page's refusals (msgids of the catalogue)."""


def _text(form: dict[str, str], name: str, required: str) -> tuple[str, str]:
    """A form's text field, stripped, and the refusal code when it is empty or too long."""
    text = form.get(name, "").strip()
    if not text:
        return text, required
    return text, "too_long" if len(text) > service.NOTE_LENGTH else ""


class FollowUpController(Controller):
    """Coordinators: the queue, and handling one item."""

    path = "/followups"
    guards = [coordinators_only]

    @get("/")
    async def index(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Open items, the oldest report first, filtered by need area, place, team and when
        they were reported."""
        query = request.query_params
        wanted = filters.parse(query, ZoneInfo(settings.time_zone))
        context = {
            "page": await service.queue(request.user, wanted),
            "counts": await service.open_counts(request.user, wanted.place),
            "places": await scope.places(request.user),
            "wanted": wanted,
            "shown": filters.shown(query, wanted),
            "areas": AREAS,
        }
        return Template("followups.html", context=context)

    @get("/{item_id:int}")
    async def show(self, request: Request[Actor, str, object], item_id: FromPath[int]) -> Template:
        """One item: who reported it and when, its notes, and the forms that handle it."""
        return await _item_page(request, item_id, saved=request.query_params.get("saved", ""))

    @post("/{item_id:int}/assign", status_code=303)
    async def assign(
        self, request: Request[Actor, str, object], item_id: FromPath[int]
    ) -> Redirect | Template:
        """Hand the item to a volunteer and/or a partner."""
        form = await form_of(request)
        partner = form.get("partner", "").strip()
        if len(partner) > 100:
            return await _item_page(request, item_id, errors={"partner": "too_long"}, form=form)
        done = await service.assign(
            request.user, item_id, int_or_none(form.get("volunteer")), partner
        )
        if done == "unknown_volunteer":
            return await _item_page(request, item_id, errors={"volunteer": done}, form=form)
        return _after(done, item_id, "assigned")

    @post("/{item_id:int}/notes", status_code=303)
    async def note(
        self, request: Request[Actor, str, object], item_id: FromPath[int]
    ) -> Redirect | Template:
        """Add a note."""
        form = await form_of(request)
        text, problem = _text(form, "note", "note_required")
        if problem:
            return await _item_page(request, item_id, errors={"note": problem}, form=form)
        return _after(await service.add_note(request.user, item_id, text), item_id, "noted")

    @post("/{item_id:int}/close", status_code=303)
    async def close(
        self, request: Request[Actor, str, object], item_id: FromPath[int]
    ) -> Redirect | Template:
        """Close the item with what was done."""
        form = await form_of(request)
        text, problem = _text(form, "outcome", "outcome_required")
        if problem:
            return await _item_page(request, item_id, errors={"outcome": problem}, form=form)
        return _after(await service.close(request.user, item_id, text), item_id, "closed")


def _after(done: str, item_id: int, saved: str) -> Redirect:
    if done != "ok":
        raise NotFoundException()
    return Redirect(f"/followups/{item_id}?saved={saved}", status_code=303)


async def _item_page(
    request: Request[Actor, str, object],
    item_id: int,
    saved: str = "",
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    found = await service.item(request.user, item_id)
    if found is None:
        raise NotFoundException()
    context: dict[str, Any] = {
        "item": found,
        "volunteers": await service.assignable(request.user),
        "partners": await service.partners(request.user),
        "saved": saved,
        "errors": {
            name: t(request, MESSAGES[code], n=service.NOTE_LENGTH)
            for name, code in (errors or {}).items()
        },
        "form": form or {},
    }
    return Template("followup.html", context=context, status_code=422 if errors else 200)

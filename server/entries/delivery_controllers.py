"""送药, 物资, 购买: the forms of a household's deliveries and purchases, and the group handout.

Each posts without JavaScript; on the phone the page script (or the worker) takes the
submit and puts the same entry into the outbox. Both paths end in the one ingest service.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Template

from server.actor import Actor
from server.catalogues import service as catalogues
from server.entries import delivery_forms as forms
from server.entries import form_errors, service
from server.households import service as households
from server.settings import Settings
from server.web import language_of

AnyRequest = Request[Actor, str, Any]
FORMS = {
    "medicine_delivery": ("medicine", "medicine.html"),
    "supply_handout": ("supplies", "supplies.html"),
    "purchase": ("products", "purchase.html"),
}
"""Each kind's catalogue and page."""


async def _context(actor: Actor, kind: str, household_id: int | None) -> dict[str, Any]:
    context: dict[str, Any] = {"household": None, "members": []}
    if household_id is not None:
        detail = await households.detail(actor, household_id)
        if detail is None:
            raise NotFoundException()
        context = {"household": detail["household"], "members": detail["members"]}
    catalogue, _ = FORMS[kind]
    return {
        **context,
        "kind": kind,
        "items": await catalogues.items(catalogue, offered_only=True),
        "rows": range(forms.ROWS),
        "occasions": forms.occasions(),
    }


def _saved(request: AnyRequest, location: str) -> Response:
    if request.headers.get("hx-request"):
        target = json.dumps({"path": location, "target": "body"})
        return Response("", status_code=200, headers={"HX-Location": target})
    return Response("", status_code=303, headers={"Location": location})


async def _show(request: AnyRequest, kind: str, household_id: int | None, settings: Settings):
    context = await _context(request.user, kind, household_id)
    values = forms.blank(kind, household_id, ZoneInfo(settings.time_zone))
    saved = request.query_params.get("saved", "")
    page = FORMS[kind][1] if household_id is not None else "handout_group.html"
    context = {**context, "values": values, "errors": {}, "saved": saved}
    return Template(page, context=context)


async def _save(request: AnyRequest, kind: str, household_id: int | None, settings: Settings):
    context = await _context(request.user, kind, household_id)
    values = forms.values_of(kind, await request.form())
    language = language_of(request)
    entry, problems = forms.to_entry(kind, values, household_id, ZoneInfo(settings.time_zone))
    errors = form_errors.texts(language, problems, forms.MESSAGES, forms.slot)
    if not errors:
        [result] = await service.ingest(request.user, [entry], language)
        if result.status in ("accepted", "duplicate", "conflict"):
            if household_id is None:
                return _saved(request, f"/handouts/group?saved={result.status}")
            return _saved(request, f"/households/{household_id}?saved={result.status}")
        errors = {"form": result.error}
    page = FORMS[kind][1] if household_id is not None else "handout_group.html"
    context = {**context, "values": values, "errors": errors, "saved": ""}
    return Template(page, context=context, status_code=422)


class DeliveryController(Controller):
    """``/households/<id>/medicine``, ``/supplies`` and ``/purchase``."""

    path = "/households/{household_id:int}"

    @get("/medicine")
    async def medicine(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """送药: a blank medicine delivery form."""
        return await _show(request, "medicine_delivery", household_id, settings)

    @post("/medicine", status_code=303)
    async def save_medicine(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Response | Template:
        """Store the delivery through the one ingest path."""
        return await _save(request, "medicine_delivery", household_id, settings)

    @get("/supplies")
    async def supplies(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """物资: a blank supply handout form for this household."""
        return await _show(request, "supply_handout", household_id, settings)

    @post("/supplies", status_code=303)
    async def save_supplies(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Response | Template:
        """Store the handout through the one ingest path."""
        return await _save(request, "supply_handout", household_id, settings)

    @get("/purchase")
    async def purchase(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """购买: a blank purchase form."""
        return await _show(request, "purchase", household_id, settings)

    @post("/purchase", status_code=303)
    async def save_purchase(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Response | Template:
        """Store the purchase through the one ingest path."""
        return await _save(request, "purchase", household_id, settings)


class GroupHandoutController(Controller):
    """``/handouts/group``: supplies handed to a group at a place (a village school)."""

    path = "/handouts/group"

    @get("/")
    async def form(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Template:
        """A blank group handout form."""
        return await _show(request, "supply_handout", None, settings)

    @post("/", status_code=303)
    async def save(
        self, request: AnyRequest, settings: NamedDependency[Settings]
    ) -> Response | Template:
        """Store the handout through the one ingest path."""
        return await _save(request, "supply_handout", None, settings)

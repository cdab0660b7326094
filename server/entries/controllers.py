"""走访: the visit form, posted without JavaScript or through htmx."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template

from server.actor import Actor
from server.entries import forms, service
from server.entries.kinds import visit, visit_history
from server.entries.prepared import Problem
from server.households import service as households
from server.i18n import gettext
from server.records import service as records
from server.settings import Settings
from server.web import language_of
from server.wire import parse_time

AnyRequest = Request[Actor, str, Any]


async def _errors(
    request: AnyRequest,
    values: dict[str, Any],
    household_id: FromPath[int],
    zone: ZoneInfo,
    *,
    inline: bool = False,
):
    entry, problems = forms.to_entry(values, household_id, zone)
    if inline:
        # While the form is being filled in, the areas not reached yet are no mistake.
        problems = [p for p in problems if p.code != "need_unanswered"]
    recorded_at = parse_time(entry["recorded_at"])
    if recorded_at is None:
        problems.append(Problem("bad_time", "visited_at"))
    elif not any(p.field in ("visited_at", "location") for p in problems):
        # The areas still unanswered are left out of the data: check the rest all the same,
        # so every mistake is said at once.
        data = entry["data"]["data"] if entry["kind"] == "correction" else entry["data"]
        problems += (await visit.check(data, recorded_at)).problems
    language = language_of(request)
    errors: dict[str, str] = {}
    summary = forms.unanswered_summary(language, problems)
    if summary:
        errors["form"] = summary
    for problem in problems:
        name = forms.FIELD_NAMES.get(problem.field, "form")
        if problem.code in forms.MESSAGES:
            text = gettext(language, forms.MESSAGES[problem.code])
        else:
            text = service.message(language, problem.code, field=problem.field)
        errors.setdefault(name, text)
    return entry, errors


async def _page_context(actor: Actor, household_id: FromPath[int]) -> dict[str, Any]:
    detail = await households.detail(actor, household_id)
    if detail is None:
        raise NotFoundException()
    return {
        "household": detail["household"],
        "needs": (await visit_history.history(household_id))["needs"],
        "levels": forms.LEVELS,
        "teammates": await households.teammates(actor),
    }


class VisitController(Controller):
    """``/households/<id>/visit``."""

    path = "/households/{household_id:int}/visit"

    @get("/")
    async def form(
        self,
        request: AnyRequest,
        household_id: FromPath[int],
        settings: NamedDependency[Settings],
        correct: FromQuery[str] = "",
    ) -> Template:
        """A blank visit form with a fresh entry id; ``correct``: one of my visits of this
        household, filled in with its latest values, to record a correction of it."""
        context = await _page_context(request.user, household_id)
        zone = ZoneInfo(settings.time_zone)
        values = forms.blank(household_id, zone)
        if correct:
            found = await records.record(request.user, correct[:64])
            if found is None or found.kind != "visit" or found.household_id != household_id:
                raise NotFoundException()
            values = forms.correcting(household_id, zone, found.head, found.data)
        return Template("visit.html", context={**context, "values": values, "errors": {}})

    @post("/", status_code=303)
    async def save(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Response | Template:
        """Store the visit through the one ingest path, then show the household."""
        context = await _page_context(request.user, household_id)
        values = forms.values_of(await request.form())
        entry, errors = await _errors(request, values, household_id, ZoneInfo(settings.time_zone))
        if not errors:
            [result] = await service.ingest(request.user, [entry], language_of(request))
            if result.status in ("accepted", "duplicate", "conflict"):
                return _saved(request, household_id, result.status)
            errors = {"form": result.error}
        name = "_visit_form.html" if request.headers.get("hx-request") else "visit.html"
        context = {**context, "values": values, "errors": errors}
        return Template(name, context=context, status_code=422)

    @post("/check", status_code=200)
    async def check(
        self, request: AnyRequest, household_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """Inline validation while the form is filled in (htmx, out-of-band error slots)."""
        await _page_context(request.user, household_id)
        values = forms.values_of(await request.form())
        zone = ZoneInfo(settings.time_zone)
        _, errors = await _errors(request, values, household_id, zone, inline=True)
        slots = sorted(set(forms.FIELD_NAMES.values()) | {"form"})
        return Template("_visit_errors.html", context={"errors": errors, "slots": slots})


def _saved(request: AnyRequest, household_id: FromPath[int], status: str) -> Response:
    location = f"/households/{household_id}?saved={status}"
    if request.headers.get("hx-request"):
        target = json.dumps({"path": location, "target": "body"})
        return Response("", status_code=200, headers={"HX-Location": target})
    return Response("", status_code=303, headers={"Location": location})

"""今天, the household list and each household's page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from server.actor import Actor
from server.conflicts import service as conflicts
from server.entries import service as entries
from server.entries.kinds import registry, visit_history
from server.followups import service as followups
from server.households import edit_form, service
from server.settings import Settings
from server.web import language_of


class HouseholdController(Controller):
    """Reading households in the account's scope."""

    @get("/")
    async def today(self, request: Request[Actor, str, object]) -> Template:
        """今天: my households, the ones waiting longest first; coordinators' follow-ups."""
        actor = request.user
        context = {
            "households": await visit_history.today(actor),
            "open_follow_ups": sum((await followups.open_counts(actor)).values())
            if actor.is_coordinator
            else 0,
            "open_conflicts": await conflicts.open_count(actor),
        }
        return Template("today.html", context=context)

    @get("/households")
    async def index(self, request: Request[Actor, str, object], q: FromQuery[str] = "") -> Template:
        """The household list, searched by name, village, phone or code."""
        rows = await visit_history.summaries(request.user, q[:100])
        # Only the search box targets the rows; a boosted link to the tab wants the page.
        rows_only = request.headers.get("hx-target") == "household-rows"
        name = "_household_rows.html" if rows_only else "households.html"
        response = Template(name, context={"households": rows, "q": q})
        response.headers["Vary"] = "HX-Request, HX-Target"
        return response

    @get("/households/{household_id:int}")
    async def show(
        self, request: Request[Actor, str, object], household_id: FromPath[int]
    ) -> Template:
        """One household: members, last needs, visit history."""
        detail = await service.detail(request.user, household_id)
        if detail is None:
            raise NotFoundException()
        saved = request.query_params.get("saved", "")
        visits = await visit_history.history(household_id)
        follow_ups = await followups.for_household(request.user, household_id)
        context = {**detail, **visits, "follow_ups": follow_ups, "saved": saved}
        context["entries"] = await registry.household_entries(household_id)
        context["correctable"] = registry.correctable()
        return Template("household.html", context=context)


class HouseholdEditController(Controller):
    """``/households/<id>/edit``: phone, address and members, as a ``household_patch``."""

    path = "/households/{household_id:int}/edit"

    @get("/")
    async def form(
        self,
        request: Request[Actor, str, object],
        household_id: FromPath[int],
        settings: NamedDependency[Settings],
    ) -> Template:
        """The form, filled with the household as it is now (and its version)."""
        detail = await service.detail(request.user, household_id)
        if detail is None:
            raise NotFoundException()
        zone = ZoneInfo(settings.time_zone)
        values = edit_form.blank(detail["household"], detail["members"], zone)
        context = {"household": detail["household"], "values": values, "error": ""}
        return Template("household_edit.html", context=context)

    @post("/", status_code=303)
    async def save(
        self, request: Request[Actor, str, object], household_id: FromPath[int]
    ) -> Redirect | Template:
        """Store the change through the one ingest path, then show the household."""
        detail = await service.detail(request.user, household_id)
        if detail is None:
            raise NotFoundException()
        values = edit_form.values_of(await request.form())
        entry, changed = edit_form.to_entry(values, household_id)
        if not changed:
            return Redirect(f"/households/{household_id}", status_code=303)
        [result] = await entries.ingest(request.user, [entry], language_of(request))
        if result.status in ("accepted", "duplicate", "conflict"):
            return Redirect(f"/households/{household_id}?saved={result.status}", status_code=303)
        context = {"household": detail["household"], "values": values, "error": result.error}
        return Template("household_edit.html", context=context, status_code=422)

"""今天, the household list and each household's page."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from server.accounts.service import Actor
from server.households import service


class HouseholdController(Controller):
    """Reading households in the account's scope."""

    @get("/")
    async def today(self, request: Request[Actor, str, object]) -> Template:
        """今天: my households, the ones waiting longest first; coordinators' follow-ups."""
        actor = request.user
        context = {
            "households": await service.today(actor),
            "follow_ups": await service.follow_ups(actor),
        }
        return Template("today.html", context=context)

    @get("/households")
    async def index(self, request: Request[Actor, str, object], q: FromQuery[str] = "") -> Template:
        """The household list, searched by name, village, phone or code."""
        rows = await service.summaries(request.user, q[:100])
        name = "_household_rows.html" if request.headers.get("hx-request") else "households.html"
        response = Template(name, context={"households": rows, "q": q})
        response.headers["Vary"] = "HX-Request"
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
        return Template("household.html", context={**detail, "saved": saved})

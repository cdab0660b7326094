"""管理 › 结对帮扶: pairing volunteers with households, one by one or a village at a time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from server.actor import Actor
from server.areas import service as areas
from server.areas.service import NotFound, Refused
from server.forms import form_of, int_or_none, refusal
from server.pairings import service
from server.web import coordinators_only, safe_next

AnyRequest = Request[Actor, str, Any]


class PairingController(Controller):
    """``/admin/pairing``."""

    path = "/admin/pairing"
    guards = [coordinators_only]

    async def _page(self, request: AnyRequest, error: str = "", status: int = 200) -> Template:
        actor = request.user
        village_id = int_or_none(request.query_params.get("village"))
        volunteer_id = int_or_none(request.query_params.get("volunteer"))
        context: dict[str, Any] = {
            "villages": await areas.villages(actor),
            "volunteers": await service.volunteers(actor),
            "teams": await service.team_names(actor),
            "village_id": village_id,
            "volunteer_id": volunteer_id,
            "households": [],
            "error": error,
            "changed": request.query_params.get("changed"),
        }
        try:
            if village_id is not None:
                context["households"] = await service.village_households(actor, village_id)
            elif volunteer_id is not None:
                context["households"] = await service.volunteer_households(actor, volunteer_id)
                context["volunteer_name"] = await service.display_name(volunteer_id)
        except NotFound:
            raise NotFoundException() from None
        return Template("admin_pairing.html", context=context, status_code=status)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """Choose a village (or a volunteer) and see who is paired with whom."""
        return await self._page(request)

    async def _change(
        self, request: AnyRequest, action: Callable[..., Awaitable[int]], *fields: str
    ) -> Template | Redirect:
        """Call ``action`` with the actor and the posted ``fields`` as ids, then go back."""
        form = await form_of(request)
        try:
            changed = await action(request.user, *(int_or_none(form.get(f)) for f in fields))
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            message = refusal(request, refused.code, service.MESSAGES, areas.MESSAGES)
            return await self._page(request, message, 422)
        back = safe_next(form.get("next") or "/admin/pairing")
        separator = "&" if "?" in back else "?"
        return Redirect(f"{back}{separator}{urlencode({'changed': changed})}", status_code=303)

    @post("/pair", status_code=303)
    async def pair(self, request: AnyRequest) -> Template | Redirect:
        """Pair one household with one volunteer."""
        return await self._change(request, service.pair, "volunteer", "household")

    @post("/unpair", status_code=303)
    async def unpair(self, request: AnyRequest) -> Template | Redirect:
        """End one pairing (the volunteer's phone drops the household at its next pull)."""
        return await self._change(request, service.unpair, "volunteer", "household")

    @post("/village", status_code=303)
    async def village(self, request: AnyRequest) -> Template | Redirect:
        """Pair every household of a village with one volunteer."""
        return await self._change(request, service.pair_village, "village", "volunteer")

    @post("/spread", status_code=303)
    async def spread(self, request: AnyRequest) -> Template | Redirect:
        """Share a village's unpaired households among a team's volunteers, in turn."""
        return await self._change(request, service.spread_village, "village", "team")

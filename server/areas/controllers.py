"""管理: the section's home, areas (county, township, village) and teams."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server import scope
from server.actor import Actor
from server.areas import service
from server.areas.service import NotFound, Refused
from server.forms import done, form_of, int_or_none, refusal
from server.web import coordinators_only

AnyRequest = Request[Actor, str, Any]


class AdminHomeController(Controller):
    """``/admin``: what a coordinator sets up."""

    guards = [coordinators_only]

    @get("/admin")
    async def home(self) -> Template:
        """Links to areas, teams, accounts, the roster import and pairing."""
        return Template("admin.html")


class AreaAdminController(Controller):
    """``/admin/areas``: the area tree within one's reach."""

    path = "/admin/areas"
    guards = [coordinators_only]

    async def _list(self, request: AnyRequest, error: str = "", status: int = 200) -> Template:
        context = {"areas": await service.areas(request.user), "error": error}
        return Template("admin_areas.html", context=context, status_code=status)

    async def _detail(
        self, request: AnyRequest, area_id: int, error: str = "", status: int = 200
    ) -> Template:
        try:
            area = await service.area(request.user, area_id)
        except NotFound:
            raise NotFoundException() from None
        every = await service.areas(request.user)
        context = {
            "area": area,
            "place": next((a["place"] for a in every if a["id"] == area_id), area["name"]),
            "children": [a for a in every if a["parent"] == area_id],
            "error": error,
            "own": scope.is_own_area(request.user, area["path"]),
        }
        return Template("admin_area.html", context=context, status_code=status)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """Every area within reach, as a tree."""
        return await self._list(request)

    @post("/", status_code=303)
    async def add_county(self, request: AnyRequest) -> Template | Redirect:
        """Add a county (admins)."""
        form = await form_of(request)
        try:
            area_id = await service.add_area(request.user, None, form.get("name", ""))
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            return await self._list(request, refusal(request, refused.code, service.MESSAGES), 422)
        return done(f"/admin/areas/{area_id}")

    @get("/{area_id:int}")
    async def show(self, request: AnyRequest, area_id: FromPath[int]) -> Template:
        """One area: rename it, add areas under it, retire it."""
        return await self._detail(request, area_id)

    async def _change(self, request: AnyRequest, area_id: int, change: Any) -> Template | Redirect:
        try:
            target = await change()
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            message = refusal(request, refused.code, service.MESSAGES)
            return await self._detail(request, area_id, message, 422)
        return done(f"/admin/areas/{target or area_id}")

    @post("/{area_id:int}/rename", status_code=303)
    async def rename(self, request: AnyRequest, area_id: FromPath[int]) -> Template | Redirect:
        """Rename the area."""
        name = (await form_of(request)).get("name", "")
        return await self._change(
            request, area_id, lambda: service.rename_area(request.user, area_id, name)
        )

    @post("/{area_id:int}/children", status_code=303)
    async def add_child(self, request: AnyRequest, area_id: FromPath[int]) -> Template | Redirect:
        """Add a township under a county or a village under a township."""
        name = (await form_of(request)).get("name", "")
        return await self._change(
            request, area_id, lambda: service.add_area(request.user, area_id, name)
        )

    @post("/{area_id:int}/retire", status_code=303)
    async def retire(self, request: AnyRequest, area_id: FromPath[int]) -> Template | Redirect:
        """Retire the area and everything under it (nothing is deleted)."""
        return await self._change(
            request, area_id, lambda: service.set_area_retired(request.user, area_id, True)
        )

    @post("/{area_id:int}/restore", status_code=303)
    async def restore(self, request: AnyRequest, area_id: FromPath[int]) -> Template | Redirect:
        """Bring a retired area (and what is under it) back."""
        return await self._change(
            request, area_id, lambda: service.set_area_retired(request.user, area_id, False)
        )


class TeamAdminController(Controller):
    """``/admin/teams``: volunteer teams and their leaders."""

    path = "/admin/teams"
    guards = [coordinators_only]

    async def _list(self, request: AnyRequest, error: str = "", status: int = 200) -> Template:
        every = await service.areas(request.user)
        context = {
            "teams": await service.teams(request.user),
            "areas": [a for a in every if not a["retired"]],
            "error": error,
        }
        return Template("admin_teams.html", context=context, status_code=status)

    async def _detail(
        self, request: AnyRequest, team_id: int, error: str = "", status: int = 200
    ) -> Template:
        try:
            team = await service.team(request.user, team_id)
        except NotFound:
            raise NotFoundException() from None
        context = {"team": team, "members": await service.team_members(team_id), "error": error}
        return Template("admin_team.html", context=context, status_code=status)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """Teams within reach, and a form to add one."""
        return await self._list(request)

    @post("/", status_code=303)
    async def add(self, request: AnyRequest) -> Template | Redirect:
        """Add a team working in an area."""
        form = await form_of(request)
        area_id = int_or_none(form.get("area"))
        try:
            if area_id is None:
                raise NotFound
            team_id = await service.add_team(request.user, form.get("name", ""), area_id)
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            return await self._list(request, refusal(request, refused.code, service.MESSAGES), 422)
        return done(f"/admin/teams/{team_id}")

    @get("/{team_id:int}")
    async def show(self, request: AnyRequest, team_id: FromPath[int]) -> Template:
        """One team: its members, leaders, name."""
        return await self._detail(request, team_id)

    async def _change(self, request: AnyRequest, team_id: int, change: Any) -> Template | Redirect:
        try:
            await change()
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            message = refusal(request, refused.code, service.MESSAGES)
            return await self._detail(request, team_id, message, 422)
        return done(f"/admin/teams/{team_id}")

    @post("/{team_id:int}/rename", status_code=303)
    async def rename(self, request: AnyRequest, team_id: FromPath[int]) -> Template | Redirect:
        """Rename the team."""
        name = (await form_of(request)).get("name", "")
        return await self._change(
            request, team_id, lambda: service.rename_team(request.user, team_id, name)
        )

    @post("/{team_id:int}/retire", status_code=303)
    async def retire(self, request: AnyRequest, team_id: FromPath[int]) -> Template | Redirect:
        """Retire the team (its members keep their accounts)."""
        return await self._change(
            request, team_id, lambda: service.set_team_retired(request.user, team_id, True)
        )

    @post("/{team_id:int}/restore", status_code=303)
    async def restore(self, request: AnyRequest, team_id: FromPath[int]) -> Template | Redirect:
        """Bring a retired team back."""
        return await self._change(
            request, team_id, lambda: service.set_team_retired(request.user, team_id, False)
        )

"""我的: the volunteer's own page (我的记录, totals, links to 同步 and 退出) and voiding an
entry from it, through the one ingest path."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from server.actor import Actor
from server.entries import service as entries
from server.entries.kinds import registry, visit_history
from server.records import service
from server.settings import Settings
from server.web import language_of

AnyRequest = Request[Actor, str, Any]


def void_entry(form: Any, zone: ZoneInfo) -> dict[str, Any]:
    """The ``correction`` a posted void form describes (its id made when it was rendered)."""
    recorded_at = str(form.get("recorded_at", "")) or dt.datetime.now(zone).isoformat()
    return {
        "id": str(form.get("entry_id", "")),
        "kind": "correction",
        "schema": 1,
        "recorded_at": recorded_at,
        "data": {
            "supersedes": str(form.get("supersedes", "")),
            "data": None,
            "reason": str(form.get("reason", "")).strip(),
        },
    }


def _back(form: Any) -> str:
    """Where the form came from (a path of this site only)."""
    target = str(form.get("next", ""))
    return target if target.startswith("/") and not target.startswith("//") else "/me"


class RecordsController(Controller):
    """``/me``."""

    path = "/me"

    @get("/")
    async def show(self, request: AnyRequest, settings: NamedDependency[Settings]) -> Template:
        """我的: my entries of every kind, newest first, each openable and correctable."""
        return Template("me.html", context=await self._context(request, settings))

    async def _context(self, request: AnyRequest, settings: Settings) -> dict[str, Any]:
        return {
            "records": await service.records(request.user),
            "correctable": registry.correctable(),
            "listed_kinds": sorted({name for name, _ in registry.KINDS} - service.NOT_LISTED),
            "totals": await visit_history.own_totals(request.user),
            "saved": request.query_params.get("saved", ""),
            "error": "",
        }

    @post("/void", status_code=303)
    async def void(
        self, request: AnyRequest, settings: NamedDependency[Settings]
    ) -> Redirect | Template:
        """Void one of my entries (or, for a coordinator, one in their areas)."""
        form = await request.form()
        entry = void_entry(form, ZoneInfo(settings.time_zone))
        [result] = await entries.ingest(request.user, [entry], language_of(request))
        back = _back(form)
        if result.status in ("accepted", "duplicate", "conflict"):
            joiner = "&" if "?" in back else "?"
            return Redirect(f"{back}{joiner}saved={result.status}", status_code=303)
        context = {**await self._context(request, settings), "error": result.error}
        return Template("me.html", context=context, status_code=422)

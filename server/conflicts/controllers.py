"""Coordinators' pages for households flagged by racing edits, and resolving each flag."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.actor import Actor
from server.conflicts import service as conflicts
from server.web import coordinators_only, t


class ConflictController(Controller):
    """Coordinators: households flagged by racing edits, and resolving each flag (DESIGN §3.3)."""

    guards = [coordinators_only]

    @get("/conflicts")
    async def index(self, request: Request[Actor, str, object]) -> Template:
        """Flagged households in the coordinator's areas, competing values side by side."""
        context = {
            "households": await conflicts.flagged_households(request.user),
            "resolved": request.query_params.get("resolved", ""),
        }
        return Template("conflicts.html", context=context)

    @get("/households/{household_id:int}/conflicts")
    async def household(
        self, request: Request[Actor, str, object], household_id: FromPath[int]
    ) -> Template:
        """One household's open flags, each with a form to resolve it."""
        page = await conflicts.household_flags(request.user, household_id)
        if page is None:
            raise NotFoundException()
        context = {**page, "resolved": request.query_params.get("resolved", "")}
        return Template("household_conflicts.html", context=_form_context(context))

    @post("/households/{household_id:int}/conflicts/{flag_id:int}", status_code=303)
    async def resolve(
        self,
        request: Request[Actor, str, object],
        household_id: FromPath[int],
        flag_id: FromPath[int],
    ) -> Redirect | Template:
        """Apply the chosen (or merged) values through the versioned path and close the flag."""
        page = await conflicts.household_flags(request.user, household_id)
        flag = next((f for f in page["flags"] if f.id == flag_id), None) if page else None
        if page is None or flag is None:
            raise NotFoundException()
        form = {key: str(value) for key, value in (await request.form()).items()}
        chosen, problems = conflicts.parse_choices(flag, form)
        seen = form.get("version", "")
        error, status = "", 422
        if not problems:
            try:
                await conflicts.resolve(
                    request.user,
                    household_id,
                    flag_id,
                    chosen,
                    int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 10 else 0,
                )
            except conflicts.StaleResolution:
                error, status = t(request, conflicts.MESSAGES["stale"]), 409
            else:
                more = len(page["flags"]) > 1
                target = f"/households/{household_id}/conflicts" if more else "/conflicts"
                return Redirect(f"{target}?resolved=1", status_code=303)
        if error:
            page = await conflicts.household_flags(request.user, household_id) or page
        errors = {name: t(request, conflicts.MESSAGES[code]) for name, code in problems.items()}
        context = _form_context(
            {**page, "resolved": ""}, values=form, errors=errors, error=error, flag_id=flag_id
        )
        return Template("household_conflicts.html", context=context, status_code=status)


def _form_context(
    page: dict[str, Any],
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str = "",
    flag_id: int | None = None,
) -> dict[str, Any]:
    return {
        **page,
        "values": values or {},
        "errors": errors or {},
        "error": error,
        "posted_flag": flag_id if values else None,
    }

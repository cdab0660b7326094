"""培训学员: the form a first-aid training's leader or coordinator records trainees with.

It posts without JavaScript; on the phone the page script (or the worker, with no network)
takes the submit and puts the same ``training_count`` entry into the outbox. Both paths end
in the one ingest service.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.activities import service as activities
from server.actor import Actor
from server.attendance import training_form as form
from server.attendance import trainings
from server.entries import form_errors
from server.entries import service as entries
from server.web import language_of

AnyRequest = Request[Actor, str, Any]


async def _training(actor: Actor, activity_id: int) -> dict[str, Any]:
    """A first-aid training ``actor`` manages (its coordinator, its team's leader)."""
    try:
        activity = await activities.managed(actor, activity_id)
    except activities.NotFound:
        raise NotFoundException() from None
    if activity["kind"] != "first_aid_training":
        raise NotFoundException()
    return activity


async def _page(
    activity: dict[str, Any],
    values: dict[str, str],
    errors: dict[str, str],
    saved: str = "",
    status: int = 200,
) -> Template:
    context = {
        "activity": activity,
        "values": values,
        "errors": errors,
        "saved": saved,
        "rows": range(form.ROWS),
        "categories": form.CATEGORY_LABELS,
        "certificates": form.CERTIFICATE_LABELS,
        "totals": await trainings.totals([activity["id"]]),
    }
    return Template("training.html", context=context, status_code=status)


class TrainingController(Controller):
    """``/activities/<id>/training``: trainees of a first-aid training, per category."""

    path = "/activities/{activity_id:int}/training"

    @get("/")
    async def show(self, request: AnyRequest, activity_id: FromPath[int]) -> Template:
        """A blank form, with the totals recorded so far (人 and 人次 per category)."""
        activity = await _training(request.user, activity_id)
        saved = request.query_params.get("saved", "")
        return await _page(activity, form.blank(), {}, saved)

    @post("/", status_code=303)
    async def save(self, request: AnyRequest, activity_id: FromPath[int]) -> Template | Redirect:
        """Store the trainees through the one ingest path; a fresh form follows."""
        activity = await _training(request.user, activity_id)
        values = form.values_of(await request.form())
        language = language_of(request)
        entry, problems = form.to_entry(values, activity_id)
        errors = form_errors.texts(language, problems, form.MESSAGES, form.slot)
        if not errors:
            [result] = await entries.ingest(request.user, [entry], language)
            if result.status in ("accepted", "duplicate", "conflict"):
                target = f"/activities/{activity_id}/training?saved={result.status}"
                return Redirect(target, status_code=303)
            errors = {"form": result.error}
        return await _page(activity, values, errors, status=422)

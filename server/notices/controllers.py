"""通知: the inbox and each notice (kept on the phone for offline reading), and the
coordinators' page that sends notices and counts their delivery and reading."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from server.actor import Actor, now
from server.entries import service as entries
from server.forms import form_of, int_or_none
from server.i18n import N_, gettext
from server.notices import service
from server.web import coordinators_only, language_of
from server.wire import parse_time

AnyRequest = Request[Actor, str, Any]
MESSAGES = {
    "title_required": N_("Give the notice a title (at most 100 characters)."),
    "body_too_long": N_("The text is too long: at most 2000 characters."),
    "no_audience": N_("Choose a team or an area you look after that has volunteers."),
}


class InboxController(Controller):
    """``/inbox``: the volunteer's notices."""

    path = "/inbox"

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """The inbox, newest first; unread ones say so."""
        return Template("inbox.html", context={"notices": await service.inbox(request.user)})

    @get("/{notice_id:int}")
    async def show(self, request: AnyRequest, notice_id: FromPath[int]) -> Template:
        """One notice. The page script records the reading as a ``notice_read`` entry."""
        notice = await service.notice_for(request.user, notice_id)
        if notice is None:
            raise NotFoundException()
        # The form's id and time make the entry: posting it twice is one reading.
        stamp = now().isoformat(timespec="milliseconds")
        context = {"notice": notice, "entry_id": str(uuid.uuid4()), "recorded_at": stamp}
        return Template("notice.html", context=context)

    @post("/{notice_id:int}/read", status_code=303)
    async def read(self, request: AnyRequest, notice_id: FromPath[int]) -> Redirect:
        """标为已读 without JavaScript: the same ``notice_read`` entry, through the one
        ingest path (the form's id makes posting it twice one reading)."""
        form = await form_of(request)
        try:
            entry_id = str(uuid.UUID(form.get("entry_id", "")))
        except ValueError:
            entry_id = str(uuid.uuid4())
        recorded_at = form.get("recorded_at", "")
        if parse_time(recorded_at) is None:
            recorded_at = now().isoformat(timespec="milliseconds")
        entry = {
            "id": entry_id,
            "kind": "notice_read",
            "schema": 1,
            "recorded_at": recorded_at,
            "data": {"notice_id": str(notice_id)},
        }
        [result] = await entries.ingest(request.user, [entry], language_of(request))
        if result.status == "rejected":
            raise NotFoundException()
        return Redirect(f"/inbox/{notice_id}", status_code=303)


def _audience(value: str) -> tuple[str, int | None]:
    kind, _, ident = value.partition(":")
    return kind, int_or_none(ident)


class NoticeAdminController(Controller):
    """``/notices``: send a notice, and see how each one reached its people."""

    path = "/notices"
    guards = [coordinators_only]

    async def _page(self, request: AnyRequest, status_code: int = 200, **extra: Any) -> Template:
        context = {
            "sent": await service.sent_by(request.user),
            "audiences": await service.audiences(request.user),
            "values": {"title": "", "body": "", "urgent": False, "audience": "all"},
            "errors": {},
            "saved": request.query_params.get("saved", ""),
            **extra,
        }
        return Template("notices.html", context=context, status_code=status_code)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """Notices sent, with recipients, delivered to phones, and read."""
        return await self._page(request)

    @post("/", status_code=303)
    async def send(self, request: AnyRequest) -> Redirect | Template:
        """Send a notice to the chosen audience."""
        form = await form_of(request)
        values = {
            "title": form.get("title", "").strip(),
            "body": form.get("body", "").strip(),
            "urgent": form.get("urgent") == "on",
            "audience": form.get("audience", "all"),
        }
        language = language_of(request)
        errors = {}
        if not values["title"] or len(values["title"]) > service.TITLE_MAX:
            errors["title"] = gettext(language, MESSAGES["title_required"])
        if len(values["body"]) > service.BODY_MAX:
            errors["body"] = gettext(language, MESSAGES["body_too_long"])
        if not errors:
            audience, audience_id = _audience(values["audience"])
            new = service.NewNotice(
                values["title"], values["body"], values["urgent"], audience, audience_id
            )
            try:
                await service.send(request.user, new)
            except service.NoAudience:
                errors["audience"] = gettext(language, MESSAGES["no_audience"])
            else:
                return Redirect("/notices?saved=1", status_code=303)
        return await self._page(request, 422, values=values, errors=errors)

"""同步: the sync page (the phone fills it in from its outbox) and a coordinator's import
of a phone's export file."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import PermissionDeniedException
from litestar.response import Template

from server.actor import Actor
from server.entries import imports
from server.entries import service as entries
from server.i18n import N_, gettext
from server.settings import Settings
from server.web import language_of

AnyRequest = Request[Actor, str, Any]
STATUS_LABELS = {
    "accepted": N_("Received"),
    "duplicate": N_("Already received; not counted twice"),
    "conflict": N_("Received; flagged for review"),
    "retry": N_("Not taken yet; import again later"),
    "rejected": N_("Refused"),
}
"""How each push status reads in the import results."""


def refusal_reasons(language: str) -> dict[str, str]:
    """Why the server refuses an entry, by stable code, for the phone's 需要处理 list.

    Messages that name a field are left out: the phone keeps the server's own wording.
    """
    return {
        code: gettext(language, text) for code, text in entries.MESSAGES.items() if "{" not in text
    }


def _page(request: AnyRequest, status_code: int = 200, **context: Any) -> Template:
    language = language_of(request)
    labels = {status: gettext(language, text) for status, text in STATUS_LABELS.items()}
    context = {"reasons": refusal_reasons(language), "status_labels": labels, **context}
    return Template("sync.html", context=context, status_code=status_code)


class SyncPageController(Controller):
    """``/sync`` and ``/sync/import``."""

    path = "/sync"

    @get("/")
    async def page(self, request: AnyRequest) -> Template:
        """The sync page: the phone's script shows what is waiting and what was refused."""
        return _page(request)

    # An export carries its entries' photos: beyond the framework's 10 MB default.
    @post("/import", status_code=200, request_max_body_size=imports.MAX_FILE_BYTES + 65536)
    async def import_file(self, request: AnyRequest) -> Template:
        """Ingest a phone's export as the account it names (coordinators and admins)."""
        if not request.user.is_coordinator:
            raise PermissionDeniedException()
        raw = b""
        for upload in (await request.form()).values():
            if isinstance(upload, UploadFile):
                raw = raw or await upload.read(imports.MAX_FILE_BYTES + 1)
                await upload.close()
        try:
            settings: Settings = request.app.state.settings
            report = await imports.import_export(
                request.user, raw, language_of(request), settings.attachments_dir
            )
        except imports.ImportRefused as refused:
            return _page(request, 422, import_error=refused.message(language_of(request)))
        return _page(request, report=report)

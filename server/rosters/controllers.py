"""管理 › 导入住户名单: upload, preview, import with progress, the template files."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from server.actor import Actor
from server.areas.service import NotFound
from server.i18n import gettext
from server.rosters import reader, service
from server.settings import Settings
from server.web import coordinators_only, language_of

AnyRequest = Request[Actor, str, Any]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def describe(language: str, problem: dict[str, Any]) -> str:
    """A row's problem in the reader's language."""
    params = dict(problem["params"])
    if "column" in params:
        params["column"] = gettext(language, reader.HEADERS[params["column"]])
    return gettext(language, reader.MESSAGES[problem["code"]], **params)


async def _context(request: AnyRequest, upload_id: int, settings: Settings) -> dict[str, Any]:
    try:
        upload = await service.find(request.user, upload_id)
    except NotFound:
        raise NotFoundException() from None
    language = language_of(request)
    checked = service.checked(settings, upload_id)
    problems = [
        {**p, "messages": [describe(language, x) for x in p["problems"]]}
        for p in checked["problems"]
    ]
    flagged = await service.flagged(upload_id) if upload["status"] == "done" else []
    return {
        "upload": upload,
        "problems": problems,
        "summary": checked["summary"],
        "flagged": flagged,
    }


class RosterController(Controller):
    """``/admin/roster``."""

    path = "/admin/roster"
    guards = [coordinators_only]

    async def _index(self, request: AnyRequest, error: str = "", status: int = 200) -> Template:
        context = {"uploads": await service.recent(request.user), "error": error}
        return Template("admin_roster.html", context=context, status_code=status)

    @get("/")
    async def index(self, request: AnyRequest) -> Template:
        """The upload form, the template files and recent uploads."""
        return await self._index(request)

    @post("/", status_code=303)
    async def upload(
        self, request: AnyRequest, settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Check the file and keep it; the preview comes next (nothing is imported yet)."""
        file = (await request.form()).get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            message = gettext(language_of(request), reader.MESSAGES["file_type"])
            return await self._index(request, message, 422)
        data = await file.read(reader.MAX_BYTES + 1)
        try:
            upload_id = await service.upload(request.user, file.filename, data, settings)
        except reader.FileProblem as problem:
            message = gettext(language_of(request), reader.MESSAGES[problem.code], **problem.params)
            return await self._index(request, message, 422)
        return Redirect(f"/admin/roster/{upload_id}", status_code=303)

    @get("/template.xlsx")
    async def template_xlsx(self) -> Response:
        """An empty roster with the right columns, and a sheet explaining them."""
        return Response(
            reader.template_xlsx(),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="roster-template.xlsx"'},
        )

    @get("/template.csv")
    async def template_csv(self) -> Response:
        """The header row as CSV."""
        return Response(
            reader.template_csv(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="roster-template.csv"'},
        )

    @get("/{upload_id:int}")
    async def show(
        self, request: AnyRequest, upload_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """The preview (every problem per row), the progress, or the result."""
        return Template(
            "admin_roster_upload.html", context=await _context(request, upload_id, settings)
        )

    @post("/{upload_id:int}/import", status_code=303)
    async def start(
        self, request: AnyRequest, upload_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template | Redirect:
        """Import the previewed rows: in one request without JavaScript, else step by step."""
        try:
            if request.headers.get("hx-request"):
                await service.step(request.user, upload_id, settings)
                return await self._fragment(request, upload_id, settings)
            await service.run(request.user, upload_id, settings)
        except NotFound:
            raise NotFoundException() from None
        return Redirect(f"/admin/roster/{upload_id}", status_code=303)

    @post("/{upload_id:int}/step", status_code=200)
    async def step(
        self, request: AnyRequest, upload_id: FromPath[int], settings: NamedDependency[Settings]
    ) -> Template:
        """One more chunk; the returned fragment asks for the next until it is done."""
        try:
            await service.step(request.user, upload_id, settings)
        except NotFound:
            raise NotFoundException() from None
        return await self._fragment(request, upload_id, settings)

    async def _fragment(self, request: AnyRequest, upload_id: int, settings: Settings) -> Template:
        context = await _context(request, upload_id, settings)
        return Template("_import_progress.html", context=context, status_code=200)

"""管理 › 目录: the medicine, supplies and products catalogues (add, rename, retire, import)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from server.actor import Actor
from server.catalogues import reader, service
from server.catalogues.service import NotFound, Refused
from server.forms import done, form_of, refusal
from server.i18n import gettext
from server.rosters import reader as roster_reader
from server.web import coordinators_only, language_of

AnyRequest = Request[Actor, str, Any]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _known(catalogue: str) -> None:
    if catalogue not in service.CATALOGUES:
        raise NotFoundException()


def _problem_text(language: str, problem: dict[str, Any]) -> str:
    params = dict(problem["params"])
    if "column" in params:
        params["column"] = gettext(language, reader.HEADERS[params["column"]])
    return gettext(language, reader.MESSAGES[problem["code"]], **params)


class CatalogueController(Controller):
    """``/admin/catalogues``."""

    path = "/admin/catalogues"
    guards = [coordinators_only]

    @get("/")
    async def index(self) -> Template:
        """The three catalogues and how many items each offers."""
        counts = {c: len(await service.items(c, offered_only=True)) for c in service.CATALOGUES}
        context = {"catalogues": service.CATALOGUES, "counts": counts}
        return Template("admin_catalogues.html", context=context)

    async def _page(
        self, catalogue: str, context: dict[str, Any] | None = None, status: int = 200
    ) -> Template:
        try:
            items = await service.items(catalogue)
        except NotFound:
            raise NotFoundException() from None
        base = {
            "catalogue": catalogue,
            "title": service.CATALOGUES[catalogue],
            "items": items,
            "error": "",
            "report": None,
        }
        return Template(
            "admin_catalogue.html", context={**base, **(context or {})}, status_code=status
        )

    @get("/{catalogue:str}")
    async def show(self, catalogue: FromPath[str]) -> Template:
        """One catalogue: its items (retired ones marked), a form to add one, the import."""
        return await self._page(catalogue)

    @post("/{catalogue:str}", status_code=303)
    async def add(self, request: AnyRequest, catalogue: FromPath[str]) -> Template | Redirect:
        """Add an item."""
        form = await form_of(request)
        try:
            await service.add_item(request.user, catalogue, form)
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            error = refusal(request, refused.code, service.MESSAGES)
            return await self._page(catalogue, {"error": error}, 422)
        return done(f"/admin/catalogues/{catalogue}")

    @get("/{catalogue:str}/template.csv")
    async def template_csv(self, catalogue: FromPath[str]) -> Response:
        """An empty catalogue file (.csv)."""
        _known(catalogue)
        headers = {"Content-Disposition": f'attachment; filename="{catalogue}.csv"'}
        return Response(reader.template_csv(), media_type="text/csv", headers=headers)

    @get("/{catalogue:str}/template.xlsx")
    async def template_xlsx(self, catalogue: FromPath[str]) -> Response:
        """An empty catalogue file (.xlsx)."""
        _known(catalogue)
        headers = {"Content-Disposition": f'attachment; filename="{catalogue}.xlsx"'}
        return Response(reader.template_xlsx(), media_type=XLSX, headers=headers)

    @post("/{catalogue:str}/import", status_code=200)
    async def upload(self, request: AnyRequest, catalogue: FromPath[str]) -> Template:
        """Import a spreadsheet: new items are added, rows with problems listed and left out."""
        language = language_of(request)
        file = (await request.form()).get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            error = gettext(language, roster_reader.MESSAGES["file_type"])
            return await self._page(catalogue, {"error": error}, 422)
        try:
            checked = reader.read(file.filename, await file.read(roster_reader.MAX_BYTES + 1))
            added, unchanged = await service.add_rows(request.user, catalogue, checked.rows)
        except NotFound:
            raise NotFoundException() from None
        except roster_reader.FileProblem as problem:
            error = refusal(
                request, problem.code, reader.MESSAGES, roster_reader.MESSAGES, **problem.params
            )
            return await self._page(catalogue, {"error": error}, 422)
        report = {
            "added": added,
            "unchanged": unchanged,
            "problems": [_problem_text(language, p) for p in checked.problems],
        }
        return await self._page(catalogue, {"report": report})

    @get("/{catalogue:str}/{item_id:int}")
    async def item(self, catalogue: FromPath[str], item_id: FromPath[int]) -> Template:
        """One item: rename it, retire it or bring it back."""
        return await self._item(catalogue, item_id)

    async def _item(self, catalogue: str, item_id: int, error: str = "", status: int = 200):
        try:
            row = await service.item(catalogue, item_id)
        except NotFound:
            raise NotFoundException() from None
        context = {
            "catalogue": catalogue,
            "title": service.CATALOGUES[catalogue],
            "item": row,
            "error": error,
        }
        return Template("admin_catalogue_item.html", context=context, status_code=status)

    async def _change(self, request: AnyRequest, catalogue: str, item_id: int, change: Any):
        try:
            await change()
        except NotFound:
            raise NotFoundException() from None
        except Refused as refused:
            error = refusal(request, refused.code, service.MESSAGES)
            return await self._item(catalogue, item_id, error, 422)
        return done(f"/admin/catalogues/{catalogue}/{item_id}")

    @post("/{catalogue:str}/{item_id:int}", status_code=303)
    async def rename(
        self, request: AnyRequest, catalogue: FromPath[str], item_id: FromPath[int]
    ) -> Template | Redirect:
        """Change an item's name, specification or unit."""
        form = await form_of(request)
        return await self._change(
            request,
            catalogue,
            item_id,
            lambda: service.change_item(request.user, catalogue, item_id, form),
        )

    @post("/{catalogue:str}/{item_id:int}/retire", status_code=303)
    async def retire(
        self, request: AnyRequest, catalogue: FromPath[str], item_id: FromPath[int]
    ) -> Template | Redirect:
        """No longer offer the item (entries naming it stay valid)."""
        return await self._change(
            request,
            catalogue,
            item_id,
            lambda: service.set_retired(request.user, catalogue, item_id, True),
        )

    @post("/{catalogue:str}/{item_id:int}/restore", status_code=303)
    async def restore(
        self, request: AnyRequest, catalogue: FromPath[str], item_id: FromPath[int]
    ) -> Template | Redirect:
        """Offer a retired item again."""
        return await self._change(
            request,
            catalogue,
            item_id,
            lambda: service.set_retired(request.user, catalogue, item_id, False),
        )

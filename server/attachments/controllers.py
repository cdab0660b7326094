"""``/api/sync/attachments/<entry id>/<name>``: a phone uploads the files its entries listed,
and whoever may see an entry reads them (same session and same-origin rules as push)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Controller, Request, get, put
from litestar.exceptions import InternalServerException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import FromPath
from litestar.response import Response
from msgspec import Struct

from server.actor import Actor
from server.attachments import service
from server.settings import Settings
from server.sync.controllers import CLIENT_GONE, cross_site, read_body
from server.sync.refusals import Refusal, refuse

logger = logging.getLogger(__name__)
AnyRequest = Request[Actor, str, Any]
PRIVATE = {"Cache-Control": "private, no-store"}
"""A file of one household's entry: never kept by a cache on the way, nor by the browser."""


class Received(Struct):
    """The file is on the server, as listed: the phone may let go of it."""

    name: str
    sha256: str
    bytes: int


_REFUSALS = {
    403: ResponseSpec(Refusal, description="`cross_site`"),
    404: ResponseSpec(
        Refusal,
        description="`entry_unknown`: no entry of yours with this id (yet: send the entry "
        "first); `attachment_unknown`: the entry lists no file of this name",
    ),
}


class AttachmentController(Controller):
    """Files listed in entries (README, "Sync protocol", attachments)."""

    path = "/api/sync/attachments"
    tags = ["sync"]

    @put(
        "/{entry_id:str}/{name:str}",
        status_code=200,
        # The entry says how large the file is: nothing beyond that is read.
        request_max_body_size=None,
        summary="Upload a file an entry listed",
        description=(
            "The body is the file itself. It must have the size and SHA-256 the entry listed "
            "and be the kind of file its kind takes. Sending it again is harmless; a cut-off "
            "upload is sent again whole."
        ),
        responses={
            **_REFUSALS,
            413: ResponseSpec(
                Refusal, description="`attachment_too_large`: beyond its listed size"
            ),
            415: ResponseSpec(Refusal, description="`attachment_type`: not a file of its kind"),
            422: ResponseSpec(
                Refusal,
                description="`attachment_mismatch`: not the size or SHA-256 listed",
                examples=[Example(value={"code": "attachment_mismatch", "error": "…"})],
            ),
        },
    )
    async def upload(
        self, request: AnyRequest, entry_id: FromPath[str], name: FromPath[str]
    ) -> Response[Received]:
        """Take one file of one of the uploader's own entries."""
        settings: Settings = request.app.state.settings
        if cross_site(request, settings):
            return refuse(request, 403, "cross_site")
        try:
            listed = await service.expected(request.user, service.entry_id_of(entry_id), name)
            try:
                body = await read_body(request, listed.size)
            except InternalServerException:
                logger.info("an upload ended before its body arrived (the client went away)")
                return Response(b"", status_code=CLIENT_GONE)
            if body is None:
                raise service.Refused(413, "attachment_too_large")
            await service.receive(request.user, settings.attachments_dir, listed, body)
        except service.Refused as refused:
            return refuse(request, refused.status, refused.code)
        received = Received(name=listed.name, sha256=listed.sha256, bytes=listed.size)
        return Response(received, status_code=200, headers=PRIVATE)

    @get(
        "/{entry_id:str}/{name:str}",
        summary="Read a file an entry carries",
        description="Only for whoever may see the entry: its author, and the coordinators "
        "of its household's area. Anyone else gets 404.",
        responses={**_REFUSALS},
    )
    async def read(
        self, request: AnyRequest, entry_id: FromPath[str], name: FromPath[str]
    ) -> Response[bytes]:
        """One received file, as its kind says it is (JPEG, PNG)."""
        settings: Settings = request.app.state.settings
        if cross_site(request, settings):
            return refuse(request, 403, "cross_site")
        try:
            content_type, body = await service.readable(
                request.user, settings.attachments_dir, service.entry_id_of(entry_id), name
            )
        except service.Refused as refused:
            return refuse(request, refused.status, refused.code)
        return Response(body, media_type=content_type, headers=PRIVATE)

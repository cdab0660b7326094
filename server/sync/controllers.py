"""``/api/sync/*``: the phone's outbox pushes entries here (JSON, same origin, no CSRF token)."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import InternalServerException
from litestar.response import Response

from server.actor import Actor, now
from server.entries import service as entries
from server.entries.openapi import PushOperation
from server.entries.schemas import EntryResult, SyncPush, SyncPushResult
from server.settings import Settings
from server.sync import devices, service
from server.sync.refusals import refuse
from server.web import language_of, own_origin
from server.wire import parse_time

MAX_ENTRIES = 500
MAX_BYTES = 1024 * 1024
LIMITS = {"max_entries": MAX_ENTRIES, "max_bytes": MAX_BYTES}
DELIVERED = ("accepted", "duplicate", "conflict")
"""Results after which the phone no longer holds the entry as pending."""
CLIENT_GONE = 499
"""The status of a push whose phone went away mid-upload (no one reads it)."""
logger = logging.getLogger(__name__)


def cross_site(request: Request, settings: Settings) -> bool:
    """True for a request a browser sent from another site.

    A service worker cannot read the CSRF cookie, so the sync API relies on
    the browser's own word about where a request came from: with public origins
    configured, only they pass; without, the origin the request was sent to.
    """
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    if not settings.public_origins:
        if site is not None:
            return site not in ("same-origin", "none")
        return origin is not None and origin.rstrip("/") != own_origin(request)
    if origin is not None and origin.rstrip("/") not in settings.public_origins:
        return True
    return site is not None and site not in ("same-origin", "none")


async def read_body(request: Request, limit: int = MAX_BYTES) -> bytes | None:
    """The request body, or None as soon as it passes ``limit`` bytes (never read whole).

    Raises ``InternalServerException`` when the phone went away before the body arrived.
    """
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class SyncController(Controller):
    """The sync contract (README, "Sync protocol")."""

    path = "/api/sync"
    tags = ["sync"]

    @post(
        "/push",
        status_code=200,
        # Read up to the limit by ``read_body`` itself: Litestar's own 413 has no code or limits.
        request_max_body_size=None,
        summary="Push outbox entries",
        description=(
            "Stores each entry at most once (by its id). One result per entry, in order: "
            "accepted, duplicate, conflict, retry or rejected (with a stable code). "
            "At most 500 entries and 1 MiB per batch (413 beyond)."
        ),
        responses={},
        operation_class=PushOperation,
    )
    async def push(self, request: Request[Actor, str, Any]) -> Response[SyncPushResult]:
        """Take a batch from a phone's outbox."""
        settings: Settings = request.app.state.settings
        if cross_site(request, settings):
            return refuse(request, 403, "cross_site")
        if request.content_type[0] != "application/json":
            return refuse(request, 415, "json_only")
        try:
            body = await read_body(request)
        except InternalServerException:
            # The phone lost its network mid-upload: nothing arrived and it sends the batch
            # again later. Not a server error, so no traceback in the log.
            logger.info("a push ended before its body arrived (the client went away)")
            return Response(b"", status_code=CLIENT_GONE)
        if body is None:
            return refuse(request, 413, "too_large", limits=LIMITS)
        try:
            push = msgspec.json.decode(body, type=SyncPush)
        except msgspec.DecodeError as error:
            return refuse(request, 400, "bad_request", detail=str(error))
        except RecursionError:
            return refuse(request, 400, "too_deep")
        # A revoked device is told so before any other refusal; on the way in, the
        # device's own row says it (see ``record``), which saves a query per batch.
        actor = request.user
        if len(push.entries) > MAX_ENTRIES:
            if await devices.is_revoked(push.device_id):
                return refuse(request, 410, "device_revoked")
            return refuse(request, 413, "too_many", limits=LIMITS)
        if push.account_id is not None and push.account_id != actor.id:
            if await devices.is_revoked(push.device_id):
                return refuse(request, 410, "device_revoked")
            return refuse(request, 409, "account_mismatch")

        async def record(results: list[EntryResult]) -> None:
            delivered = sum(r.status in DELIVERED for r in results)
            report = service.DeviceReport(
                push.device_id,
                app_version=push.app_version,
                # What the phone holds once this batch is delivered: the count it sent
                # includes the batch.
                pending_count=max(0, push.pending_count - delivered),
                oldest_pending_at=push.oldest_pending_at,
                device_time=parse_time(push.device_time or ""),
            )
            await service.record_sync(actor.id, request.auth, settings.session_days, report)

        device_time = parse_time(push.device_time or "")
        offset = None if device_time is None else service.clock_offset_ms(device_time, now())
        try:
            results = await entries.ingest(
                actor,
                push.entries,
                language_of(request),
                push.device_id,
                then=record,
                required_attachments=settings.required_attachments,
                clock_offset_ms=offset,
            )
        except service.DeviceRevoked:
            return refuse(request, 410, "device_revoked")
        result = SyncPushResult(
            results=results,
            server_time=now().isoformat(timespec="milliseconds"),
            epoch=await service.epoch(request.app.state),
        )
        return Response(result, status_code=200)

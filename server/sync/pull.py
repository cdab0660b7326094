"""``GET /api/sync/pull``: what changed in the volunteer's scope since a cursor (DESIGN §3.2)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.params import Parameter
from litestar.response import Response
from msgspec import Struct

from server.actor import Actor
from server.catalogues.tables import CatalogueItem
from server.catalogues.tables import pulled as pulled_item
from server.settings import Settings
from server.sync import service
from server.sync.controllers import cross_site
from server.sync.refusals import Refusal, refuse
from server.sync.tables import SyncChange
from server.wire import NO_NUL, parse_time

DEFAULT_LIMIT = 500
MAX_LIMIT = 2000


class Change(Struct):
    """The latest state of one object; ``deleted`` (with empty ``data``) means drop it."""

    kind: Literal[
        "household", "visit", "entry", "activity", "notice", "catalogue_item", "follow_up"
    ]
    id: str
    version: int
    """For a household: the version a ``household_patch`` gives as ``base_version``."""
    deleted: bool
    data: dict[str, Any]
    """By kind (see the operation's description); ``{}`` for a tombstone."""


class PullResult(Struct):
    """One page of changes, oldest first."""

    changes: list[Change]
    cursor: str
    """Opaque: send it back to get what changed after this page."""
    more: bool
    """True when another page is waiting: pull again at once with the new cursor."""
    epoch: str
    """Changes when the server is restored from a backup: drop pulled data, pull from an
    empty cursor and send again every entry still kept."""


def parse_cursor(cursor: str, epoch: str) -> tuple[int, bool] | None:
    """``(after_seq, snapshot)``; None when the cursor is not one this server made.

    An empty cursor, or one from another epoch, starts a full snapshot of the scope.
    """
    if not cursor:
        return 0, True
    cursor_epoch, _, seq = cursor.rpartition(".")
    # ASCII digits only, and within the 64-bit column ("²", "１２" or 2**64 made no cursor).
    if not cursor_epoch or not (seq.isascii() and seq.isdigit()) or int(seq) >= 2**63:
        return None
    if cursor_epoch != epoch:
        return 0, True
    return int(seq), False


async def changes_since(
    volunteer_id: int, after: int, limit: int, snapshot: bool, catalogues: bool = True
) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``limit`` of the volunteer's change rows after ``after``, and whether more wait
    (with the catalogues' changes unless ``catalogues`` is false).

    A snapshot's first page leaves tombstones out: the phone starts from nothing.
    """
    where = (SyncChange.volunteer == volunteer_id) & (SyncChange.seq > after)
    if snapshot:
        where &= SyncChange.deleted == False  # noqa: E712
    rows = (
        await SyncChange.select(
            SyncChange.seq,
            SyncChange.kind,
            SyncChange.object_id,
            SyncChange.version,
            SyncChange.deleted,
            SyncChange.data,
        )
        .where(where)
        .order_by(SyncChange.seq)
        .limit(limit + 1)
    )
    if catalogues:
        rows = sorted([*rows, *await catalogue_since(after, limit + 1)], key=lambda r: r["seq"])
    return rows[:limit], len(rows) > limit


async def catalogue_since(after: int, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` catalogue items changed after ``after``, as change rows: every phone
    holds the whole catalogues (retired items too, marked, so older entries keep their
    names), numbered from the same counter as the volunteer's own rows."""
    items = (
        await CatalogueItem.select()
        .where(CatalogueItem.seq > after)
        .order_by(CatalogueItem.seq)
        .limit(limit)
    )
    return [
        {
            "seq": item["seq"],
            "kind": "catalogue_item",
            "object_id": str(item["id"]),
            "version": item["version"],
            "deleted": False,
            "data": msgspec.json.encode(pulled_item(item)).decode(),
        }
        for item in items
    ]


def _encode(request: Request, result: PullResult) -> Response:
    # Compressed (brotli or gzip) by the app's compression middleware, like every answer.
    body = msgspec.json.encode(result)
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


DESCRIPTION = """\
What changed in the volunteer's scope since `cursor`, oldest first, at most `limit` per page:
their paired households with members (`household`), the recent visits of those households
(`visit`), and their own recent entries (`entry`). Pairing a household sends it whole;
unpairing sends a tombstone (`deleted: true`) and the phone drops the household and its
visits. An empty cursor, or one from an earlier epoch, answers with a full snapshot of the
scope: the phone replaces what it pulled before. Keep pulling while `more` is true.

`data` by kind:

- `household` (`id`: household id; `version`: what a `household_patch` sends as
  `base_version`): `{code, head_name, village_id, village, place: [county, township, village],
  address, phone, poverty_status, notes, members: [{id, name, relation, birth_year}]}`;
  member ids are stable UUIDs.
- `visit` (`id`: the entry id): `{household_id, volunteer_id, volunteer, visited_at,
  companions: [account id], needs: {health|training|livelihood|work_school: {level, note}},
  follow_up, follow_up_note, voided}`.
- `entry` (`id`: the entry id; the volunteer's own stored entries): `{kind, schema,
  recorded_at, status: accepted|conflict, flag, household_id, data, superseded_by, voided}`
  with `data` as sent; `superseded_by`: the correction that replaced or voided it, or null.
- `notice` (`id`: the notice id; the volunteer's inbox): `{title, body, urgent, sent_at,
  author, read}`; `read` turns true once a `notice_read` entry of theirs is stored. A page
  that carries a notice counts it as delivered to the volunteer's phone.
- `follow_up` (`id`: the item's id; every item of the volunteer's households, sent again
  whenever it changes): `{household_id, area: health|training|livelihood|work_school|follow_up,
  note, status: open|closed, reported_at, reported_by, assignee, partner, proposed_at,
  closed_at}`; the household's page lists the open ones. A closed item (closed by a
  coordinator, or withdrawn because a correction took back or voided the visit that reported
  it) comes with `status: closed`.
- `catalogue_item` (`id`: the item id entries name as `item_id`; `version` rises with each
  change): `{catalogue: medicine|supplies|products, name, specification, unit, retired}`.
  Every phone gets the whole catalogues; a retired item is no longer offered in forms but
  stays valid for entries. Items are never deleted.

A `correction` rewrites the copies: the visit it replaced comes as a tombstone and the
correction (its id) as a `visit` with the new values; a voided visit comes again with
`voided: true`.

A cursor never skips a change: numbers are taken inside each writing transaction from a
counter row that stays locked until the writer commits, so they become visible in order.

Send `device_id` (the one pushes carry), and with it `pending_count` and `oldest_pending_at`
(what the phone still holds after its drain) and `device_time` (its clock), which the
coordinators' device list shows; a phone that sends none of them is only marked as seen.
A device a coordinator revoked gets `410 {"code": "device_revoked"}`, on pull and on push
alike, and the phone then wipes the account's cached pages, pulled data and outbox.
Same-origin only (403 otherwise); no session is 401. Responses are compressed (brotli or
gzip) when the client accepts it.
"""


class PullController(Controller):
    """The pull half of the sync contract."""

    path = "/api/sync"
    tags = ["sync"]

    @get(
        "/pull",
        summary="Pull what changed in the volunteer's scope",
        description=DESCRIPTION,
        responses={
            400: ResponseSpec(Refusal, description="`bad_cursor`: start again with no cursor"),
            403: ResponseSpec(Refusal, description="`cross_site`"),
            410: ResponseSpec(
                Refusal,
                description="`device_revoked`: wipe this account's data on the phone",
                examples=[
                    Example(value={"code": "device_revoked", "error": "该设备已被工作人员停用……"})
                ],
            ),
        },
    )
    async def pull(
        self,
        request: Request[Actor, str, Any],
        cursor: Annotated[str, Parameter(max_length=120, pattern=NO_NUL)] = "",
        limit: Annotated[int, Parameter(description="1 to 2000")] = DEFAULT_LIMIT,
        device_id: Annotated[str, Parameter(max_length=64, pattern=NO_NUL)] = "",
        pending_count: Annotated[
            int | None, Parameter(ge=0, le=2**31 - 1, description="entries waiting on the phone")
        ] = None,
        oldest_pending_at: Annotated[str | None, Parameter(max_length=40, pattern=NO_NUL)] = None,
        device_time: Annotated[
            str | None, Parameter(max_length=40, description="the phone's clock (RFC 3339)")
        ] = None,
    ) -> Response[PullResult]:
        """One page of changes for the logged-in volunteer's phone."""
        settings: Settings = request.app.state.settings
        if cross_site(request, settings):
            return refuse(request, 403, "cross_site")
        report = service.DeviceReport(
            device_id,
            pending_count=pending_count,
            oldest_pending_at=oldest_pending_at,
            device_time=parse_time(device_time or ""),
        )
        try:
            await service.record_sync(request.user.id, request.auth, settings.session_days, report)
        except service.DeviceRevoked:
            return refuse(request, 410, "device_revoked")
        epoch = await service.epoch(request.app.state)
        parsed = parse_cursor(cursor, epoch)
        if parsed is None:
            return refuse(request, 400, "bad_cursor")
        after, snapshot = parsed
        page = max(1, min(limit, MAX_LIMIT))
        # A coordinator records online, from the server's pages: no offline scope to hold.
        offline = not request.user.is_coordinator
        rows, more = await changes_since(request.user.id, after, page, snapshot, offline)
        changes = [
            Change(
                kind=r["kind"],
                id=r["object_id"],
                version=r["version"],
                deleted=r["deleted"],
                # Stored as JSON already: sent as it is, never decoded and encoded again.
                data=msgspec.Raw(r["data"].encode()),  # type: ignore[arg-type]
            )
            for r in rows
        ]
        notices = [int(r["object_id"]) for r in rows if r["kind"] == "notice" and not r["deleted"]]
        await service.notices_pulled(request.user.id, notices)
        last = rows[-1]["seq"] if rows else after
        return _encode(
            request, PullResult(changes=changes, cursor=f"{epoch}.{last}", more=more, epoch=epoch)
        )

"""Shared steps of the check-in tests: an activity with its key, marks as phones send them."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from server import checkin_code
from tests.activity_helpers import create_activity
from tests.admin_helpers import team_id
from tests.builders import push_results

ZONE = ZoneInfo("Asia/Shanghai")
TEAM = "郧阳区志愿服务一队"
"""vol1 leads it; vol2 is a member; vol3 and vol4 are of 房县's team."""


def local(text: str) -> dt.datetime:
    """``"2026-12-20T09:00"`` in Asia/Shanghai."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


async def key_of(activity_id: int) -> str:
    from server.attendance.tables import CheckinKey

    row = await CheckinKey.select().where(CheckinKey.activity == activity_id).first()
    return row["secret"]


def team_activity(db, coord, **fields: str) -> tuple[int, str]:
    """An activity of vol1's team (09:00–11:30 on 2026-12-20 unless ``fields`` say); its id
    and its check-in key."""
    activity_id = create_activity(coord, team=str(db(team_id, TEAM)), **fields)
    return activity_id, db(key_of, activity_id)


def mark(kind: str, activity_id: int, at: dt.datetime, code: str | None = None, **data) -> dict:
    """A ``check_in`` / ``check_out`` entry recorded at ``at``; ``code`` None: no code."""
    body = {"activity_id": str(activity_id), **data}
    if code is not None:
        body["code"] = code
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "schema": 1,
        "recorded_at": at.isoformat(),
        "data": body,
    }


def scanned(kind: str, activity_id: int, key: str, at: dt.datetime, **data) -> dict:
    """A mark with the code the leader's screen showed at ``at``."""
    code = checkin_code.rotating_code(key, checkin_code.minute_of(at))
    return mark(kind, activity_id, at, code, **data)


def send(client, *entries: dict, **options) -> list[dict]:
    """Push entries; their results."""
    return push_results(client, list(entries), **options)


async def entry_flags(ids: list[str]) -> dict[str, str]:
    """The stored flag of each entry id."""
    from server.entries.tables import Entry

    rows = await Entry.select(Entry.id, Entry.flag).where(Entry.id.is_in(ids))
    return {str(r["id"]): r["flag"] for r in rows}

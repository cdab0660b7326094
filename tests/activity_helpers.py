"""Shared steps of the activity tests: a filled activity form, creating one over HTTP."""

from __future__ import annotations

import re
import uuid

from tests.admin_helpers import post_form
from tests.builders import RECORDED_AT, push_results


def activity_form(**fields: str) -> dict[str, str]:
    """An activity form as a coordinator fills it (local times, ``TIME_ZONE``)."""
    form = {
        "kind": "volunteer_service",
        "title": "重阳节敬老服务",
        "place": "华家河村村委会",
        "content": "为老人测血压、理发",
        "organiser": "郧阳区红十字会",
        "person_in_charge": "张志愿",
        "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-20T11:30",
        "counts_as_service": "on",
        "external_number": "P2026-0042",
    }
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def create_activity(client, **fields: str) -> int:
    """Create an activity through the form; returns its id."""
    response = post_form(client, "/activities", activity_form(**fields))
    assert response.status_code == 303, response.text
    match = re.match(r"/activities/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


async def an_activity(fields: dict | None = None, username: str = "coord") -> int:
    """An activity for the whole of 郧阳区 with sign-up, made by ``username`` through the
    service (as the form would); ``fields`` replace the form's."""
    from zoneinfo import ZoneInfo

    from server.accounts.service import load_actor
    from server.accounts.tables import Account
    from server.activities import service
    from server.activities.schemas import ActivityDraft
    from server.areas.tables import Area

    account = await Account.select(Account.id).where(Account.username == username).first()
    actor = await load_actor(account["id"])
    area = await Area.select(Area.id).where(Area.name == "郧阳区").first()
    given = {"area": str(area["id"]), "signup": "on"}
    given.update({k: str(v) for k, v in (fields or {}).items()})
    form = activity_form(**given)
    draft = ActivityDraft.of(form)
    return await service.create(actor, draft, ZoneInfo("Asia/Shanghai"))


def signup_entry(activity_id: int, action: str = "signup", recorded_at: str = RECORDED_AT) -> dict:
    """An ``activity_signup`` entry as the phone's outbox holds it."""
    return {
        "id": str(uuid.uuid4()),
        "kind": "activity_signup",
        "schema": 1,
        "recorded_at": recorded_at,
        "data": {"activity_id": str(activity_id), "action": action},
    }


def sign_up(client, activity_id: int, action: str = "signup") -> dict:
    """Push one sign-up (or withdrawal) from the phone; returns its result."""
    [result] = push_results(client, [signup_entry(activity_id, action)], device_id="phone-1")
    return result


async def standings(activity_id: int) -> dict[str, list[str]]:
    """The usernames with a place and those waiting (in queue order)."""
    from server.activities.tables import ActivitySeat

    rows = (
        await ActivitySeat.select(ActivitySeat.state, ActivitySeat.volunteer.username)
        .where(ActivitySeat.activity == activity_id)
        .order_by(ActivitySeat.queued)
    )
    return {
        state: [r["volunteer.username"] for r in rows if r["state"] == state]
        for state in ("place", "waiting")
    }

"""Shared steps of the activity tests: a filled activity form, creating one over HTTP."""

from __future__ import annotations

import re

from tests.admin_helpers import post_form


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

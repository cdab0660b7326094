"""The sign-up form on an activity's page: the ``activity_signup`` entry it stands for."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any


def blank() -> dict[str, str]:
    """A fresh form: a new entry id and the render time (the entry's device time), so
    posting it twice stores one entry."""
    return {
        "entry_id": str(uuid.uuid4()),
        "recorded_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def entry(form: dict[str, str], activity_id: int) -> dict[str, Any]:
    """The entry a posted sign-up form describes (``action``: signup or withdraw)."""
    return {
        "id": form.get("entry_id", ""),
        "kind": "activity_signup",
        "schema": 1,
        "recorded_at": form.get("recorded_at", ""),
        "data": {"activity_id": str(activity_id), "action": form.get("signup_action", "signup")},
    }

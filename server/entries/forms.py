"""The visit form: what it shows, and turning a posted form into a ``visit`` entry."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from server.entries.kinds.visit import NEED_AREAS
from server.entries.prepared import Problem
from server.i18n import N_, gettext

LEVELS = ("none", "some", "urgent")
AREA_LABELS = {
    "health": N_("Health"),
    "training": N_("Job training"),
    "livelihood": N_("Livelihood"),
    "work_school": N_("Work and school"),
}
MESSAGES = {
    "need_unanswered": N_("Choose one: no need, some need or urgent."),
    "needs_unanswered": N_("Not saved yet: choose a level for {areas}."),
    "too_long": N_("Too long: at most 500 characters. Shorten it; nothing was cut."),
}
"""The form's own rule (the sync schema still defaults an absent area to 无需求): a stray
tap must not record "no needs", so every area is chosen on purpose."""
FIELD_NAMES = {
    "visited_at": "visited_at",
    "follow_up_note": "follow_up_note",
    "companions": "companions",
    **{f"needs.{a}.note": f"needs.{a}.note" for a in NEED_AREAS},
    **{f"needs.{a}.level": f"needs.{a}.level" for a in NEED_AREAS},
    **{f"needs.{a}": f"needs.{a}.level" for a in NEED_AREAS},
}
"""Where a problem found in the data is shown on the form."""


def blank(household_id: int, zone: ZoneInfo) -> dict[str, Any]:
    """A fresh form: a new entry id and the render time (the entry's device time)."""
    now = dt.datetime.now(zone).replace(microsecond=0)
    return {
        "entry_id": str(uuid.uuid4()),
        "recorded_at": now.isoformat(),
        "visited_at": now.strftime("%Y-%m-%dT%H:%M"),
        "household_id": str(household_id),
        "follow_up": False,
        "follow_up_note": "",
        "companions": [],
        "supersedes": "",
        "reason": "",
        **{f"needs.{a}.level": "" for a in NEED_AREAS},
        **{f"needs.{a}.note": "" for a in NEED_AREAS},
    }


def values_of(form: Any) -> dict[str, Any]:
    """What was typed, kept exactly as typed so an error never loses it."""
    keys = ("entry_id", "recorded_at", "visited_at", "supersedes", "reason")
    values = {key: str(form.get(key, "")) for key in keys}
    values["follow_up"] = form.get("follow_up") in ("1", "on", "true")
    values["follow_up_note"] = str(form.get("follow_up_note", ""))
    values["companions"] = [str(c) for c in form.getall("companions", [])]
    values["location"] = {k: str(form.get(k, "")) for k in ("lat", "lon", "accuracy")}
    for area in NEED_AREAS:
        values[f"needs.{area}.level"] = str(form.get(f"needs.{area}.level", ""))
        values[f"needs.{area}.note"] = str(form.get(f"needs.{area}.note", ""))
    return values


def _local_time(value: str, zone: ZoneInfo) -> str | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def to_entry(
    values: dict[str, Any], household_id: int, zone: ZoneInfo
) -> tuple[dict[str, Any], list[Problem]]:
    """The ``visit`` entry a form describes, and problems only the form can have."""
    problems: list[Problem] = []
    visited_at = _local_time(values["visited_at"], zone)
    if visited_at is None:
        problems.append(Problem("bad_time", "visited_at"))
    needs: dict[str, Any] = {}
    for area in NEED_AREAS:
        level = values[f"needs.{area}.level"]
        if not level:
            problems.append(Problem("need_unanswered", f"needs.{area}.level"))
            continue
        needs[area] = {"level": level, "note": values[f"needs.{area}.note"].strip()}
    data: dict[str, Any] = {
        "household_id": str(household_id),
        "visited_at": visited_at,
        "needs": needs,
        "follow_up": values["follow_up"],
        "follow_up_note": values["follow_up_note"].strip() if values["follow_up"] else "",
    }
    if values["companions"]:
        data["companions"] = values["companions"]
    location = values.get("location") or {}
    if location.get("lat") and location.get("lon"):
        try:
            data["location"] = {
                "lat": float(location["lat"]),
                "lon": float(location["lon"]),
                "accuracy": float(location["accuracy"]) if location.get("accuracy") else None,
            }
        except ValueError:
            problems.append(Problem("invalid_data", "location"))
    entry = {
        "id": values["entry_id"],
        "kind": "visit",
        "schema": 1,
        "recorded_at": values["recorded_at"],
        "data": data,
    }
    if values.get("supersedes"):
        # Correcting a visit already recorded: the same values, as its replacement.
        correction = {"supersedes": values["supersedes"], "data": data}
        if values.get("reason", "").strip():
            correction["reason"] = values["reason"].strip()
        entry = {**entry, "kind": "correction", "data": correction}
    return entry, problems


def correcting(
    household_id: int, zone: ZoneInfo, head: str, data: dict[str, Any]
) -> dict[str, Any]:
    """The form filled with a recorded visit's latest values, to correct it (``head``: the
    latest entry of its chain, which the correction names)."""
    values = blank(household_id, zone)
    visited = _local_time(str(data.get("visited_at") or ""), zone)
    if visited:
        values["visited_at"] = (
            dt.datetime.fromisoformat(visited).astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        )
    for area in NEED_AREAS:
        need = (data.get("needs") or {}).get(area) or {}
        values[f"needs.{area}.level"] = need.get("level", "none")
        values[f"needs.{area}.note"] = need.get("note", "")
    values["follow_up"] = bool(data.get("follow_up"))
    values["follow_up_note"] = str(data.get("follow_up_note") or "")
    values["companions"] = [str(c) for c in data.get("companions") or []]
    values["supersedes"] = head
    return values


def unanswered_summary(language: str, problems: list[Problem]) -> str | None:
    """The form-wide error naming every need area left unanswered, if any."""
    areas = [p.field.split(".")[1] for p in problems if p.code == "need_unanswered"]
    if not areas:
        return None
    separator = "、" if language == "zh_CN" else ", "
    names = separator.join(gettext(language, AREA_LABELS[a]) for a in areas)
    return gettext(language, MESSAGES["needs_unanswered"], areas=names)

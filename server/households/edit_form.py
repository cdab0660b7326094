"""The household edit form: what it shows, and turning a posted form into a ``household_patch``.

The form carries a fingerprint of each value it showed (``orig.*``) and the
version it was rendered from, so the entry holds only what the volunteer
changed, exactly as a phone's outbox would send it offline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from typing import Any
from zoneinfo import ZoneInfo

NEW_ROWS = 2
"""Blank member rows offered for people joining the household."""
_MEMBER_KEY = re.compile(r"^members\.(\d+)\.(id|name|relation|birth_year|removed|orig)$")


def _member_value(member: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": member.get("name") or "",
        "relation": member.get("relation") or "",
        "birth_year": member.get("birth_year"),
        "removed": bool(member.get("removed")),
    }


def fingerprint(value: Any) -> str:
    """A short digest of a shown value (plain hex: nothing to escape in a hidden input)."""
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def blank(
    household: dict[str, Any], members: list[dict[str, Any]], zone: ZoneInfo
) -> dict[str, Any]:
    """A fresh form for ``household``: a new entry id, the render time and its version."""
    now = dt.datetime.now(zone).replace(microsecond=0)
    rows = [
        {"id": str(m["id"]), **_member_value(m), "orig": fingerprint(_member_value(m))}
        for m in members
    ]
    rows += [
        {"id": "", "name": "", "relation": "", "birth_year": None, "removed": False, "orig": ""}
        for _ in range(NEW_ROWS)
    ]
    return {
        "entry_id": str(uuid.uuid4()),
        "recorded_at": now.isoformat(),
        "base_version": str(household["version"]),
        "phone": household["phone"],
        "address": household["address"],
        "orig.phone": fingerprint(household["phone"]),
        "orig.address": fingerprint(household["address"]),
        "members": rows,
    }


def values_of(form: Any) -> dict[str, Any]:
    """What was posted, kept as typed so an error never loses it."""
    keys = ("entry_id", "recorded_at", "base_version", "phone", "address")
    values: dict[str, Any] = {key: str(form.get(key, "")) for key in keys}
    values["orig.phone"] = str(form.get("orig.phone", ""))
    values["orig.address"] = str(form.get("orig.address", ""))
    rows: dict[int, dict[str, Any]] = {}
    for key in form:
        match = _MEMBER_KEY.match(key)
        if match:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = str(form.get(key, ""))
    values["members"] = [
        {
            "id": row.get("id", ""),
            "name": row.get("name", ""),
            "relation": row.get("relation", ""),
            "birth_year": row.get("birth_year", ""),
            "removed": row.get("removed", "") in ("1", "on", "true"),
            "orig": row.get("orig", ""),
        }
        for _, row in sorted(rows.items())
    ]
    return values


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _year(value: Any) -> int | str | None:
    """A birth year as typed: ASCII or full-width digits are a number (as on the phone,
    ``household.js``), anything else stays text for the entry's check to report."""
    text = str(value or "").strip().translate(_FULL_WIDTH_DIGITS)
    if not text:
        return None
    # Full-width digits are a year as typed on a Chinese keyboard; "²" or "١٩٨٠" is no year.
    return int(text) if text.isascii() and text.isdigit() else text


def to_entry(values: dict[str, Any], household_id: int) -> tuple[dict[str, Any], bool]:
    """The ``household_patch`` entry the form describes, and whether anything changed.

    A birth year that is not a number is passed on as text, so the entry's own
    check reports it like any other problem.
    """
    changes: dict[str, Any] = {}
    for name in ("phone", "address"):
        if fingerprint(values[name]) != values[f"orig.{name}"]:
            changes[name] = values[name].strip()
    members = []
    for row in values["members"]:
        member = {
            "name": row["name"].strip(),
            "relation": row["relation"].strip(),
            "birth_year": _year(row["birth_year"]),
        }
        if row["removed"]:
            member["removed"] = True
        if row["id"]:
            shown = {
                "name": row["name"],
                "relation": row["relation"],
                "birth_year": _year(row["birth_year"]),
                "removed": row["removed"],
            }
            if fingerprint(shown) != row["orig"]:
                members.append({"id": row["id"], **member})
        elif member["name"]:
            members.append(member)
    if members:
        changes["members"] = members
    base = values["base_version"]
    entry = {
        "id": values["entry_id"],
        "kind": "household_patch",
        "schema": 1,
        "recorded_at": values["recorded_at"],
        "data": {
            "household_id": str(household_id),
            "base_version": int(base)
            if base.isascii() and base.isdigit() and len(base) < 10
            else 0,
            "changes": changes,
        },
    }
    return entry, bool(changes)

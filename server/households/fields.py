"""A household as a set of fields, and how a change is compared with what happened since its base.

A household's editable state is flat: ``phone``, ``address`` (and, for
coordinators and imports, ``head_name``, ``poverty_status``, ``notes``), plus one
field per member, ``member:<uuid>``, whose value is the member's
``{name, relation, birth_year, removed}``. Conflicts are found per field, so two
phones adding different members, or one fixing the phone number while the other
fixes the address, never clash on the same field.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

HOUSEHOLD_FIELDS = ("head_name", "address", "phone", "poverty_status", "notes")
"""Household columns that go through the versioned path (the village does not: it is scope)."""
MEMBER_PREFIX = "member:"


def member_value(member: dict[str, Any]) -> dict[str, Any]:
    """A member row (or a member in a change) as a field value."""
    return {
        "name": member["name"],
        "relation": member.get("relation") or "",
        "birth_year": member.get("birth_year"),
        "removed": bool(member.get("removed", False)),
    }


def fields_of(household: dict[str, Any], members: list[dict[str, Any]]) -> dict[str, Any]:
    """The current fields of a household row and all its member rows (removed ones too)."""
    values = {name: household[name] for name in HOUSEHOLD_FIELDS}
    for member in members:
        values[f"{MEMBER_PREFIX}{member['id']}"] = member_value(member)
    return values


def fields_of_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """A change in its public shape (``{phone?, address?, members?: [...]}``) as fields.

    A member without an id is new and gets one here; a phone may also make the
    id itself (a UUID), so that its second offline edit can refer to the member
    its first edit added. Raises ValueError for an id that is not a UUID.
    """
    values = {name: changes[name] for name in HOUSEHOLD_FIELDS if name in changes}
    for member in changes.get("members") or []:
        member_id = str(uuid.UUID(member["id"])) if member.get("id") else str(uuid.uuid4())
        values[f"{MEMBER_PREFIX}{member_id}"] = member_value(member)
    return values


def changes_of_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``fields_of_changes``: fields back in the public shape."""
    changes: dict[str, Any] = {k: v for k, v in values.items() if not k.startswith(MEMBER_PREFIX)}
    members = [
        {"id": k.removeprefix(MEMBER_PREFIX), **v}
        for k, v in values.items()
        if k.startswith(MEMBER_PREFIX)
    ]
    if members:
        changes["members"] = members
    return changes


@dataclass(frozen=True)
class PastVersion:
    """A version made since the change's base: who made it and the fields it changed."""

    version: int
    actor: int | None
    device_id: str
    source: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class Comparison:
    """What a change does once compared with the versions made since its base."""

    to_apply: dict[str, Any]
    """Fields to write now (only ones that differ from the current values)."""
    severity: str | None = None
    """``hard``, ``soft`` or None (no conflict)."""
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    """For a flag: each involved field's base value and both competing values."""
    others: list[PastVersion] = field(default_factory=list)
    """The versions made meanwhile by another device or a coordinator."""


def compare(
    current: dict[str, Any],
    proposed: dict[str, Any],
    since_base: list[PastVersion],
    branch: tuple[int | None, str],
    keep_current_on_conflict: bool = False,
) -> Comparison:
    """Compare a change with the versions made since its base (ODK Central's base + branch).

    ``branch`` is (account, device) of the change. Versions of the same branch
    are the change's own earlier edits and never conflict with it: a phone's
    second offline edit carries the same base as its first. A change intends to
    set only the fields whose value differs from the value at its base, so a
    field sent unchanged never reverts someone else's edit. It conflicts when
    another branch changed the household since the base and this change still
    changes something: "hard" when both changed the same field to different
    values, else "soft". ``keep_current_on_conflict`` (for imports) leaves the
    hard-conflicting fields as they are instead of applying them.
    """
    base = dict(current)
    for past in sorted(since_base, key=lambda p: p.version, reverse=True):
        base.update(past.before)
    intended = {k: v for k, v in proposed.items() if v != base.get(k)}
    effective = {k: v for k, v in intended.items() if v != current.get(k)}
    others = [p for p in since_base if (p.actor, p.device_id) != branch]
    if not others or not effective:
        return Comparison(to_apply=effective)
    theirs = {name for past in others for name in past.after}
    hard = {k for k in effective if k in theirs}
    to_apply = effective
    if keep_current_on_conflict:
        to_apply = {k: v for k, v in effective.items() if k not in hard}
    values = {
        name: {
            "base": base.get(name),
            "theirs": current.get(name),
            "mine": intended.get(name, base.get(name)),
            "theirs_changed": name in theirs,
            "mine_changed": name in intended,
            "hard": name in hard,
        }
        for name in sorted(set(intended) | theirs)
    }
    return Comparison(
        to_apply=to_apply, severity="hard" if hard else "soft", values=values, others=others
    )

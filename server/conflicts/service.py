"""Flagged households for coordinators, and resolving a flag through the versioned path."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from server import scope
from server.actor import Actor
from server.audit import service as audit
from server.conflicts.tables import HouseholdFlag
from server.db import write_transaction
from server.households import change, fields, versions
from server.households.tables import Household
from server.i18n import N_

PHONE = re.compile(r"^[0-9+\-() ]*$")
LIMITS = {"head_name": 64, "address": 200, "phone": 32, "poverty_status": 32, "notes": 2000}
MESSAGES = {
    "required": N_("Enter a value."),
    "too_long": N_("Too long."),
    "bad_phone": N_("Only digits, spaces, + - ( ) in a phone number."),
    "bad_year": N_("A year between 1900 and 2100, or nothing."),
    "choose": N_("Choose one of the values."),
    "stale": N_("This household changed while you were deciding. Check the values again."),
}
"""Problems with a resolution form (msgids)."""


@dataclass
class FieldView:
    """One field of a flag: the value at the base and both competing values."""

    name: str
    base: Any
    theirs: Any
    mine: Any
    current: Any
    theirs_changed: bool
    mine_changed: bool
    hard: bool

    @property
    def is_member(self) -> bool:
        return self.name.startswith(fields.MEMBER_PREFIX)


@dataclass
class FlagView:
    """An open flag as the coordinator's pages show it."""

    id: int
    household_id: int
    severity: str
    created_at: dt.datetime
    author: str
    device_id: str
    source: str
    base_version: int
    others: list[dict[str, Any]]
    fields: list[FieldView] = field(default_factory=list)


async def _open(actor: Actor, household_id: int | None = None) -> list[dict[str, Any]]:
    where = HouseholdFlag.resolved_at.is_null()
    visible = scope.flags(actor)
    if visible is not None:
        where &= visible
    if household_id is not None:
        where &= HouseholdFlag.household == household_id
    return (
        await HouseholdFlag.select(
            HouseholdFlag.all_columns(),
            HouseholdFlag.household.code,
            HouseholdFlag.household.head_name,
            HouseholdFlag.household.village.name,
            HouseholdFlag.actor.display_name,
        )
        .where(where)
        .order_by(HouseholdFlag.created_at)
        .limit(500)
    )


def _view(row: dict[str, Any], current: dict[str, Any]) -> FlagView:
    view = FlagView(
        id=row["id"],
        household_id=row["household"],
        severity=row["severity"],
        created_at=row["created_at"],
        author=row["actor.display_name"] or "",
        device_id=row["device_id"],
        source=row["source"],
        base_version=row["base_version"],
        others=json.loads(row["others"]),
    )
    for name, v in json.loads(row["values"]).items():
        view.fields.append(
            FieldView(
                name=name,
                base=v["base"],
                theirs=v["theirs"],
                mine=v["mine"],
                current=current.get(name),
                theirs_changed=v["theirs_changed"],
                mine_changed=v["mine_changed"],
                hard=v["hard"],
            )
        )
    return view


async def open_count(actor: Actor) -> int:
    """How many open flags there are in the coordinator's areas."""
    if not actor.is_coordinator:
        return 0
    return len(await _open(actor))


async def flagged_households(actor: Actor) -> list[dict[str, Any]]:
    """Households in the coordinator's areas with open flags, each with its flags."""
    rows = await _open(actor)
    grouped: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["household"],
            {
                "id": row["household"],
                "code": row["household.code"],
                "head_name": row["household.head_name"],
                "village": row["household.village.name"],
                "flags": [],
            },
        )
        entry["flags"].append(row)
    result = []
    for entry in grouped.values():
        found = await _current(entry["id"])
        current = found[1] if found else {}
        entry["flags"] = [_view(r, current) for r in entry["flags"]]
        result.append(entry)
    return result


async def _current(household_id: int) -> tuple[int, dict[str, Any]] | None:
    return await versions.current_fields(household_id)


async def household_flags(actor: Actor, household_id: int) -> dict[str, Any] | None:
    """A household's page of open flags, or None outside the coordinator's areas."""
    if not actor.is_coordinator or not await scope.sees_household(actor, household_id):
        return None
    household = await Household.select().where(Household.id == household_id).first()
    found = await _current(household_id)
    assert household is not None and found is not None
    version, current = found
    flags = [_view(r, current) for r in await _open(actor, household_id)]
    return {"household": household, "version": version, "flags": flags}


class StaleResolution(Exception):
    """Someone changed the household after the coordinator loaded the page."""


def parse_choices(flag: FlagView, form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The value chosen for each field of ``flag`` from a posted form, and problems by field.

    ``choice.<field>`` is ``theirs``, ``mine`` or ``custom``; a custom value comes
    in ``custom.<field>`` (or ``custom.<field>.name|relation|birth_year|removed``
    for a member).
    """
    chosen: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for f in flag.fields:
        choice = form.get(f"choice.{f.name}", "")
        if choice in ("theirs", "mine"):
            chosen[f.name] = getattr(f, choice)
        elif choice == "custom":
            value, problem = _custom(f, form)
            if problem:
                problems[f.name] = problem
            else:
                chosen[f.name] = value
        else:
            problems[f.name] = "choose"
    return chosen, problems


def _custom(f: FieldView, form: dict[str, str]) -> tuple[Any, str]:
    if not f.is_member:
        value = form.get(f"custom.{f.name}", "").strip()
        if f.name == "head_name" and not value:
            return None, "required"
        if len(value) > LIMITS.get(f.name, 200):
            return None, "too_long"
        if f.name == "phone" and not PHONE.match(value):
            return None, "bad_phone"
        return value, ""
    name = form.get(f"custom.{f.name}.name", "").strip()
    relation = form.get(f"custom.{f.name}.relation", "").strip()
    year = form.get(f"custom.{f.name}.birth_year", "").strip()
    if not name:
        return None, "required"
    if len(name) > 64 or len(relation) > 32:
        return None, "too_long"
    if year and not (year.isdecimal() and 1900 <= int(year) <= 2100):
        return None, "bad_year"
    removed = form.get(f"custom.{f.name}.removed", "") in ("1", "on", "true")
    value = {"name": name, "relation": relation, "birth_year": int(year) if year else None}
    return {**value, "removed": removed}, ""


async def resolve(
    actor: Actor, household_id: int, flag_id: int, chosen: dict[str, Any], seen_version: int
) -> bool:
    """Resolve an open flag with the chosen values; False when there is no such open flag.

    The values go through ``apply_household_change`` (source ``resolution``) on
    the version the coordinator saw; if the household changed since, nothing is
    written and StaleResolution is raised. The flag is closed and audited in the
    same transaction.
    """
    async with write_transaction():
        row = (
            await HouseholdFlag.select()
            .where(
                (HouseholdFlag.id == flag_id)
                & (HouseholdFlag.household == household_id)
                & HouseholdFlag.resolved_at.is_null()
            )
            .first()
        )
        if row is None:
            return False
        found = await _current(household_id)
        if found is None or found[0] != seen_version:
            raise StaleResolution
        outcome = await change.apply_household_change(
            actor.id,
            household_id,
            fields.changes_of_fields(chosen),
            seen_version,
            "",
            "resolution",
        )
        if outcome.conflict is not None:
            raise StaleResolution
        await HouseholdFlag.update(
            {
                HouseholdFlag.resolved_at: dt.datetime.now(dt.UTC),
                HouseholdFlag.resolved_by: actor.id,
                HouseholdFlag.resolution: json.dumps(chosen, ensure_ascii=False),
            }
        ).where(HouseholdFlag.id == flag_id)
        await audit.record(
            actor.id,
            "household_flag.resolve",
            "household_flag",
            flag_id,
            {"household": household_id, "values": json.loads(row["values"])},
            {"household": household_id, "chosen": chosen, "version": outcome.version},
        )
    return True

"""The rows behind a household's versions and flags (used by ``change.apply_household_change``)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from server.accounts.tables import Account
from server.audit import service as audit
from server.conflicts.tables import HouseholdFlag
from server.households import fields
from server.households.tables import Household, HouseholdVersion, Member


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


async def current_fields(household_id: int) -> tuple[int, dict[str, Any]] | None:
    """The household's version and current fields, or None when there is no such household."""
    household = await Household.select().where(Household.id == household_id).first()
    if household is None:
        return None
    members = await Member.select().where(Member.household == household_id)
    return household["version"], fields.fields_of(household, members)


async def since(household_id: int, base_version: int) -> list[fields.PastVersion]:
    """The versions made after ``base_version``, oldest first."""
    rows = (
        await HouseholdVersion.select()
        .where(
            (HouseholdVersion.household == household_id) & (HouseholdVersion.version > base_version)
        )
        .order_by(HouseholdVersion.version)
    )
    return [
        fields.PastVersion(
            version=r["version"],
            actor=r["actor"],
            device_id=r["device_id"],
            source=r["source"],
            before=json.loads(r["before"]),
            after=json.loads(r["after"]),
        )
        for r in rows
    ]


async def check_new_members(current: dict[str, Any], proposed: dict[str, Any]) -> None:
    """Raise ValueError when a member the change adds already belongs to another household."""
    new = [
        uuid.UUID(key.removeprefix(fields.MEMBER_PREFIX))
        for key in proposed
        if key.startswith(fields.MEMBER_PREFIX) and key not in current
    ]
    if new and await Member.exists().where(Member.id.is_in(new)):
        raise ValueError("a member of another household")


async def write(
    household_id: int,
    current: dict[str, Any],
    to_apply: dict[str, Any],
    version: int,
    author: dict[str, Any],
) -> None:
    """Write the changed fields, the new version (with its author) and the audit row.

    ``author`` is ``{actor, device_id, source, entry_id}``.
    """
    columns = {
        getattr(Household, name): value
        for name, value in to_apply.items()
        if not name.startswith(fields.MEMBER_PREFIX)
    }
    await Household.update(
        {**columns, Household.version: version, Household.updated_at: dt.datetime.now(dt.UTC)}
    ).where(Household.id == household_id)
    for key, value in to_apply.items():
        if not key.startswith(fields.MEMBER_PREFIX):
            continue
        member_id = uuid.UUID(key.removeprefix(fields.MEMBER_PREFIX))
        if key in current:
            await Member.update(
                {
                    Member.name: value["name"],
                    Member.relation: value["relation"],
                    Member.birth_year: value["birth_year"],
                    Member.removed: value["removed"],
                }
            ).where(Member.id == member_id)
        else:
            await Member.insert(Member(id=member_id, household=household_id, **value))
    before = {name: current.get(name) for name in to_apply}
    await HouseholdVersion.insert(
        HouseholdVersion(
            household=household_id,
            version=version,
            actor=author["actor"],
            device_id=author["device_id"],
            source=author["source"],
            entry_id=author["entry_id"],
            before=_json(before),
            after=_json(to_apply),
        )
    )
    await audit.record(
        author["actor"],
        "household.update",
        "household",
        household_id,
        before,
        {**to_apply, "version": version, "source": author["source"]},
    )


async def flag(
    household_id: int,
    comparison: fields.Comparison,
    base_version: int,
    version: int,
    author: dict[str, Any],
) -> int:
    """Flag the household with both competing values of every field involved; returns its id."""
    actor_ids = [p.actor for p in comparison.others if p.actor is not None]
    names = {
        r["id"]: r["display_name"]
        for r in await Account.select(Account.id, Account.display_name).where(
            Account.id.is_in(actor_ids or [-1])
        )
    }
    others = [
        {
            "version": p.version,
            "actor": p.actor,
            "name": names.get(p.actor, "") if p.actor is not None else "",
            "device_id": p.device_id,
            "source": p.source,
            "fields": sorted(p.after),
        }
        for p in comparison.others
    ]
    assert comparison.severity is not None
    rows = await HouseholdFlag.insert(
        HouseholdFlag(
            household=household_id,
            severity=comparison.severity,
            actor=author["actor"],
            device_id=author["device_id"],
            source=author["source"],
            entry_id=author["entry_id"],
            base_version=base_version,
            version=version,
            others=_json(others),
            values=_json(comparison.values),
        )
    ).returning(HouseholdFlag.id)
    flag_id = rows[0]["id"]
    await audit.record(
        author["actor"],
        "household.flag",
        "household_flag",
        flag_id,
        None,
        {"household": household_id, "severity": comparison.severity, "values": comparison.values},
    )
    return flag_id

"""``household_patch`` (schema 1): a phone's edit of a household's phone, address or members.

The phone sends only the fields it changed and the ``base_version`` it saw.
The patch is applied in arrival order through the one versioned path
(``households.change.apply_household_change``); it comes back as ``conflict``
(stored, applied, flagged for a coordinator) only when another device or a
coordinator changed the household since ``base_version``. Each accepted patch also
writes a ``household_patch`` row (its household and when it was saved), which the review
lists read as they read every other kind's rows; what it changed lives in the household's
versions.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType
from piccolo.columns import ForeignKey, Integer, Timestamptz
from piccolo.table import Table

from server import phones, scope
from server.entries.kinds.base import Kind
from server.entries.prepared import Prepared, Problem, decode_problem
from server.entries.schemas import INT32, EntryResult
from server.entries.tables import Entry
from server.households import change
from server.households.tables import Household, Member
from server.i18n import N_, gettext

if TYPE_CHECKING:
    from server.actor import Actor

UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

MESSAGES = {
    "conflict_soft": N_(
        "Saved. Someone else also changed this household meanwhile; "
        "a coordinator will check both changes."
    ),
    "conflict_hard": N_(
        "Saved. Someone else changed the same details of this household meanwhile; "
        "a coordinator will decide which is right."
    ),
    "unknown_member": N_("A member in this change belongs to another household."),
    "bad_phone": phones.MESSAGE,
}
"""The codes this kind adds to the ingest path's messages."""


class HouseholdPatch(Table):
    """A phone's edit of a household: which household, and when it was made."""

    entry = ForeignKey(references=Entry, unique=True)
    household = ForeignKey(references=Household, index=True)
    base_version = Integer()
    """The household's version the phone had seen."""
    edited_at = Timestamptz(index=True)
    """When the phone saved it (the entry's ``recorded_at``)."""


class MemberChange(Struct, forbid_unknown_fields=True):
    """A member as the phone wants it: new (no id, or an id the phone made) or existing."""

    name: Annotated[str, Meta(min_length=1, max_length=64)]
    relation: Annotated[str, Meta(max_length=32)]
    """Relation to the head of household (户主, 配偶, 子女...)."""
    birth_year: Annotated[int, Meta(ge=1900, le=2100)] | None
    id: Annotated[str, Meta(pattern=UUID_PATTERN)] | None = None
    """The member's stable id; a new member may carry a UUID made on the phone."""
    removed: bool = False
    """True takes the member off the household (kept on record)."""


class HouseholdChanges(Struct, forbid_unknown_fields=True):
    """Only the fields the phone changed."""

    phone: Annotated[str, Meta(max_length=32, pattern=r"^[0-9+\-() ]*$")] | UnsetType = UNSET
    address: Annotated[str, Meta(max_length=200)] | UnsetType = UNSET
    members: Annotated[list[MemberChange], Meta(max_length=50)] | UnsetType = UNSET


class HouseholdPatchV1(Struct, forbid_unknown_fields=True):
    """``household_patch`` schema 1."""

    household_id: Annotated[str, Meta(min_length=1, max_length=20, pattern=r"^[0-9]+$")]
    base_version: Annotated[int, Meta(ge=1, le=INT32)]
    """The household's ``version`` the phone last pulled."""
    changes: HouseholdChanges


def _changes(patch: HouseholdPatchV1) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if patch.changes.phone is not UNSET:
        changes["phone"] = patch.changes.phone.strip()
    if patch.changes.address is not UNSET:
        changes["address"] = patch.changes.address.strip()
    if patch.changes.members is not UNSET:
        changes["members"] = [
            {
                "id": m.id.lower() if m.id else None,
                "name": m.name.strip(),
                "relation": m.relation.strip(),
                "birth_year": m.birth_year,
                "removed": m.removed,
            }
            for m in patch.changes.members
        ]
    return changes


async def _foreign_members(household_id: int, member_ids: list[str]) -> bool:
    if not member_ids:
        return False
    return await Member.exists().where(
        Member.id.is_in([uuid.UUID(i) for i in member_ids]) & (Member.household != household_id)
    )


async def prepare(actor: Actor, prepared: Prepared) -> Problem | None:
    """Check a ``household_patch`` before the transaction; its change is applied inside it."""
    assert prepared.entry is not None and prepared.recorded_at is not None
    try:
        patch = msgspec.convert(prepared.entry.data, HouseholdPatchV1)
    except msgspec.ValidationError as error:
        return decode_problem(error)
    household_id = int(patch.household_id)
    if prepared.lookups is not None:
        reach = prepared.lookups.scopes.of(household_id, prepared.recorded_at)
    else:
        reach = await scope.recording_scope(actor, household_id, prepared.recorded_at)
    if reach == "out":
        return Problem("out_of_scope", "household_id")
    if reach == "flag":
        prepared.flag = "pairing_ended"
    changes = _changes(patch)
    if changes.get("phone"):
        changes["phone"] = phones.normal(changes["phone"])
        if not phones.valid(changes["phone"]):
            return Problem("bad_phone", "changes.phone")
    ids = [m["id"] for m in changes.get("members", []) if m["id"]]
    if len(ids) != len(set(ids)):
        return Problem("invalid_data", "changes.members")
    if await _foreign_members(household_id, ids):
        return Problem("unknown_member", "changes.members")
    assert prepared.entry_id is not None
    row = {
        "entry": prepared.entry_id,
        "household": household_id,
        "base_version": patch.base_version,
        "edited_at": prepared.recorded_at.astimezone(dt.UTC),
    }
    prepared.rows = [(HouseholdPatch, row)]
    prepared.apply = functools.partial(
        _apply, actor, household_id, patch.base_version, changes, prepared
    )
    return None


async def _apply(
    actor: Actor,
    household_id: int,
    base_version: int,
    changes: dict[str, Any],
    prepared: Prepared,
    device_id: str,
    language: str,
) -> EntryResult | None:
    outcome = await change.apply_household_change(
        actor.id,
        household_id,
        changes,
        base_version,
        device_id,
        "coordinator" if actor.is_coordinator else "field",
        entry_id=str(prepared.entry_id),
    )
    if outcome.conflict is None:
        return None
    code = f"conflict_{outcome.conflict}"
    prepared.flag = ",".join(f for f in (prepared.flag, code) if f)
    await Entry.update({Entry.status: "conflict", Entry.flag: prepared.flag}).where(
        Entry.id == prepared.entry_id
    )
    return EntryResult(
        id=prepared.sent_id, status="conflict", code=code, error=gettext(language, MESSAGES[code])
    )


SAMPLE = {
    "id": "b7e4d0c2-5a91-4f3e-8c6d-2e7f9a1b3c55",
    "kind": "household_patch",
    "schema": 1,
    "recorded_at": "2026-11-20T11:02:41.907+08:00",
    "data": {
        "household_id": "1024",
        "base_version": 1,
        "changes": {
            "phone": "13972811234",
            "address": "华家河村3组12号",
            "members": [
                {
                    "id": "6a1f3c9e-2d4b-4e8a-9f17-5c3b8d2e7a40",
                    "name": "王小明",
                    "relation": "孙子女",
                    "birth_year": 2015,
                }
            ],
        },
    },
    "attachments": [],
}

KIND = Kind("household_patch", 1, HouseholdPatchV1, prepare, MESSAGES, SAMPLE)

"""The one versioned path for household changes (DESIGN §3.3): phones, coordinators,
imports and resolutions all change a household through ``apply_household_change``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.db import write_transaction
from server.households import fields, versions
from server.sync import changelog

SOURCES = ("field", "coordinator", "import", "resolution")
"""Where a household change comes from: a phone's patch, a coordinator's edit, a roster
import, or a coordinator resolving a flag."""


@dataclass(frozen=True)
class ChangeOutcome:
    """What ``apply_household_change`` did."""

    version: int
    """The household's version afterwards."""
    changed: tuple[str, ...]
    """The fields written (keys as in ``fields.py``); empty when nothing differed."""
    conflict: str | None = None
    """``hard``, ``soft`` or None."""
    flag_id: int | None = None


async def apply_household_change(
    actor_id: int | None,
    household_id: int,
    changes: dict[str, Any],
    base_version: int,
    device_id: str = "",
    source: str = "field",
    *,
    entry_id: str = "",
    keep_current_on_conflict: bool = False,
) -> ChangeOutcome:
    """Change a household: the one path for phones, coordinators, imports and resolutions.

    ``changes`` has the public shape of a ``household_patch``: ``{phone?, address?,
    members?: [{id?, name, relation, birth_year, removed?}]}`` (coordinators and
    imports may also set ``head_name``, ``poverty_status`` and ``notes``), and
    ``base_version`` is the version its author saw. In one transaction the fields
    that differ are written and ``version`` is raised; the new version is recorded
    with its author, ``device_id`` and ``source``; an audit row is written; and every
    volunteer paired with the household gets its new state in the change log.

    If another device or a coordinator changed the household since
    ``base_version`` (the author's own earlier edits on the same device do not
    count), the household is flagged, hard or soft, with both competing values of
    each field; the change is still applied, in arrival order, unless
    ``keep_current_on_conflict`` (imports) keeps the current value of the fields
    both changed. Raises LookupError for an unknown household and ValueError for
    a member id of another household. Permission checks are the caller's.
    """
    assert source in SOURCES, source
    author = {"actor": actor_id, "device_id": device_id, "source": source, "entry_id": entry_id}
    async with write_transaction():
        await changelog.lock()
        found = await versions.current_fields(household_id)
        if found is None:
            raise LookupError(f"no household {household_id}")
        version, current = found
        proposed = fields.fields_of_changes(changes)
        await versions.check_new_members(current, proposed)
        comparison = fields.compare(
            current,
            proposed,
            await versions.since(household_id, base_version),
            (actor_id, device_id),
            keep_current_on_conflict,
        )
        if comparison.to_apply:
            version += 1
            await versions.write(household_id, current, comparison.to_apply, version, author)
        flag_id = None
        if comparison.severity is not None:
            flag_id = await versions.flag(household_id, comparison, base_version, version, author)
        if comparison.to_apply:
            await changelog.household_changed(household_id)
    return ChangeOutcome(version, tuple(sorted(comparison.to_apply)), comparison.severity, flag_id)

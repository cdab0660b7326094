"""The files an entry lists (its ``attachments``), checked against what its kind takes.

The entry says each file's name, SHA-256 and size; the files follow once it is accepted
(``PUT /api/sync/attachments/<entry id>/<name>``), checked against this list.
"""

from __future__ import annotations

from server.attachments.tables import EntryAttachment
from server.entries.kinds.base import Kind
from server.entries.prepared import Prepared, Problem, id_of
from server.i18n import N_

MESSAGES = {
    "attachment_not_allowed": N_("This kind of entry carries no files."),
    "attachment_unknown": N_("This entry cannot carry a file named {field}."),
    "attachment_too_large": N_("The file {field} is too large."),
    "attachment_repeated": N_("The file {field} is listed twice."),
    "attachment_required": N_("This entry needs its file {field} (a signature)."),
}
"""The codes of an entry's file list."""


def check(kind: Kind, prepared: Prepared, required: frozenset[str]) -> Problem | None:
    """Why the entry's file list does not fit its kind, or None; when it fits, the rows
    recording each listed file join the entry's rows. ``required``: the slot names this
    deployment requires (``SIGNATURE_REQUIRED``)."""
    assert prepared.entry is not None
    listed = prepared.entry.attachments
    slots = {slot.name: slot for slot in kind.attachments}
    if listed and not slots:
        return Problem("attachment_not_allowed", "attachments")
    seen: set[str] = set()
    for file in listed:
        slot = slots.get(file.name)
        if slot is None:
            return Problem("attachment_unknown", file.name)
        if file.name in seen:
            return Problem("attachment_repeated", file.name)
        if file.bytes > slot.max_bytes:
            return Problem("attachment_too_large", file.name)
        seen.add(file.name)
    for name in sorted(required & (slots.keys() - seen)):
        return Problem("attachment_required", name)
    household = id_of(prepared.entry.data.get("household_id"))
    prepared.rows += [
        (
            EntryAttachment,
            {
                "entry": prepared.entry_id,
                "name": file.name,
                "content_type": slots[file.name].content_type,
                "sha256": file.sha256,
                "size": file.bytes,
                "household": household,
                "stored_at": None,
            },
        )
        for file in listed
    ]
    return None

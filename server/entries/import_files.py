"""The files of a phone's export (导出待同步数据): photos and signatures its entries list,
carried in the file as base64 (``files``: ``[{entry_id, name, base64}]``) and stored after
the entries by the same rule as an upload (``server/attachments``): a file of an entry of
the exporting account that listed it, with the listed size, SHA-256 and kind of file.

A file that does not pass is refused on its own, with a stable code; the entries, and the
other files, are stored all the same.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.actor import Actor
from server.attachments import service as attachments
from server.i18n import N_, gettext

MESSAGES = {
    "entry_unknown": N_("The entry this file belongs to is not among the account's entries."),
    "attachment_unknown": N_("Its entry lists no file of this name."),
    "attachment_type": N_("This is not the kind of file the entry takes."),
    "attachment_mismatch": N_("The file is not the one its entry lists (size or SHA-256)."),
}
"""Why one file of an export is refused (stable codes and their messages)."""


@dataclass
class ImportedFile:
    """One file of the export and what became of it."""

    entry_id: str
    name: str
    stored: bool
    code: str = ""
    error: str = ""


def _decoded(raw: Any) -> tuple[str, str, bytes | None]:
    """``(entry id, name, bytes)`` of one file as exported; bytes None when unreadable."""
    described = raw if isinstance(raw, dict) else {}
    entry_id, name = described.get("entry_id"), described.get("name")
    body = None
    with contextlib.suppress(binascii.Error, ValueError):
        body = base64.b64decode(str(described.get("base64", "")), validate=True)
    return str(entry_id or "")[:64], str(name or "")[:64], body


async def store(
    importer: Actor, account: Actor, root: Path, files: list[Any], language: str
) -> list[ImportedFile]:
    """Keep each file of ``files`` for the entry of ``account`` it names (stored by
    ``importer``, audited as theirs); a file kept before is left as it is."""
    found = []
    for raw in files:
        entry_id, name, body = _decoded(raw)
        try:
            listed = await attachments.expected(account, attachments.entry_id_of(entry_id), name)
            if body is None:
                raise attachments.Refused(422, "attachment_mismatch")
            await attachments.receive(importer, root, listed, body)
        except attachments.Refused as refused:
            error = gettext(language, MESSAGES[refused.code])
            found.append(ImportedFile(entry_id, name, False, refused.code, error))
            continue
        found.append(ImportedFile(entry_id, name, True))
    return found

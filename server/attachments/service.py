"""Receiving and serving the files entries listed (DESIGN §3.2, attachments).

A file is taken only for an entry of the uploader's own that listed it, only when its
size and SHA-256 are the ones listed, and only when it is the kind of file the entry's
kind takes; anything else stores nothing. Receiving the same file again changes nothing.
It is served to whoever may see the entry (``scope.sees_entry_files``).
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server import scope
from server.actor import Actor, now
from server.attachments import storage
from server.attachments.tables import EntryAttachment
from server.audit import service as audit
from server.db import write_transaction
from server.entries.tables import Entry

SIGNATURES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
"""How each kind of file a slot takes begins."""


class Refused(Exception):
    """An upload or a read that is refused: a stable code and the HTTP status saying it."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status, self.code = status, code


@dataclass(frozen=True)
class Listed:
    """A file as its entry listed it."""

    id: int
    entry_id: uuid.UUID
    name: str
    content_type: str
    sha256: str
    size: int
    author: int
    household: int | None
    stored: bool


def entry_id_of(text: str) -> uuid.UUID | None:
    """The entry id in a path, or None when it is no UUID."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


async def _listed(entry_id: uuid.UUID, name: str) -> tuple[Listed | None, int | None]:
    """The file ``name`` of entry ``entry_id`` and the entry's author (None: no such entry)."""
    entry = await Entry.select(Entry.account).where(Entry.id == entry_id).first()
    if entry is None:
        return None, None
    row = (
        await EntryAttachment.select()
        .where((EntryAttachment.entry == entry_id) & (EntryAttachment.name == name))
        .first()
    )
    if row is None:
        return None, entry["account"]
    listed = Listed(
        id=row["id"],
        entry_id=entry_id,
        name=row["name"],
        content_type=row["content_type"],
        sha256=row["sha256"],
        size=row["size"],
        author=entry["account"],
        household=row["household"],
        stored=row["stored_at"] is not None,
    )
    return listed, entry["account"]


async def expected(actor: Actor, entry_id: uuid.UUID | None, name: str) -> Listed:
    """The file an upload to ``entry_id``/``name`` must be. Refused (404) when the entry
    is not ``actor``'s own (or not stored yet: the phone sends its files after it)
    or did not list that name."""
    if entry_id is None:
        raise Refused(404, "entry_unknown")
    listed, author = await _listed(entry_id, name)
    if author != actor.id:
        raise Refused(404, "entry_unknown")
    if listed is None:
        raise Refused(404, "attachment_unknown")
    return listed


async def receive(actor: Actor, root: Path, listed: Listed, body: bytes) -> None:
    """Keep ``body`` as the file ``listed`` names once it matches what was listed.

    ``attachment_mismatch`` (422): other bytes than listed; ``attachment_type`` (415):
    not the kind of file the slot takes. A file received before is left as it is.
    """
    if len(body) != listed.size or hashlib.sha256(body).hexdigest() != listed.sha256:
        raise Refused(422, "attachment_mismatch")
    if not body.startswith(SIGNATURES.get(listed.content_type, b"")):
        raise Refused(415, "attachment_type")
    if listed.stored:
        return
    # The file first, then the row saying it is there: a crash between leaves a file
    # the phone sends again, never a row naming a file that is not there.
    await asyncio.to_thread(storage.write, root, listed.entry_id, listed.name, body)
    async with write_transaction():
        updated = (
            await EntryAttachment.update({EntryAttachment.stored_at: now()})
            .where((EntryAttachment.id == listed.id) & EntryAttachment.stored_at.is_null())
            .returning(EntryAttachment.id)
        )
        if updated:
            after = {"entry": str(listed.entry_id), "name": listed.name, "sha256": listed.sha256}
            await audit.record(
                actor.id, "attachment.store", "entry_attachment", listed.id, None, after
            )


async def readable(actor: Actor, root: Path, entry_id: uuid.UUID | None, name: str) -> Any:
    """``(content type, bytes)`` of a received file ``actor`` may see; else Refused (404)
    ``attachment_unknown``, whether it does not exist, has not arrived or is not theirs
    to see."""
    listed, _ = await _listed(entry_id, name) if entry_id is not None else (None, None)
    if listed is None or not listed.stored:
        raise Refused(404, "attachment_unknown")
    if not await scope.sees_entry_files(actor, listed.author, listed.household):
        raise Refused(404, "attachment_unknown")
    body = await asyncio.to_thread(storage.read, root, listed.entry_id, listed.name)
    if body is None:
        raise Refused(404, "attachment_unknown")
    return listed.content_type, body

"""Where attachment files live: ``DATA_DIR/attachments/<2 hex>/<entry id>/<name>``.

Every app process sees the same folder (a shared volume on PostgreSQL deployments).
A file is written beside its final name and renamed into place, so a reader, a
backup or a crash never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

TEMP_SUFFIX = ".part"
"""Files being written end so (a backup leaves them out)."""


def path_of(root: Path, entry_id: uuid.UUID, name: str) -> Path:
    """The file ``name`` of entry ``entry_id`` (``name`` is one of its kind's slot names)."""
    text = str(entry_id)
    return root / text[:2] / text / name


def write(root: Path, entry_id: uuid.UUID, name: str, body: bytes) -> None:
    """Write the file whole: a temporary file, flushed to disk, then renamed over the name."""
    target = path_of(root, entry_id, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(root: Path, entry_id: uuid.UUID, name: str) -> bytes | None:
    """The file's bytes, or None when it is not there (lost with a restore, say)."""
    try:
        return path_of(root, entry_id, name).read_bytes()
    except FileNotFoundError:
        return None

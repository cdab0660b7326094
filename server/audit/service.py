"""Writing the audit log; callers pass it the open transaction's changes."""

from __future__ import annotations

import json
from typing import Any

from server.actor import Actor
from server.audit.tables import AuditLog
from server.db import write_transaction


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def row(
    actor_id: int | None,
    action: str,
    table_name: str,
    row_id: Any,
    before: Any = None,
    after: Any = None,
) -> AuditLog:
    """An audit row ready to insert (lets callers insert many in one statement)."""
    return AuditLog(
        actor=actor_id,
        action=action,
        table_name=table_name,
        row_id=str(row_id),
        before=_json(before),
        after=_json(after),
    )


async def record(*fields: Any, **named: Any) -> None:
    """Write one audit row (``row``'s arguments); call it inside the transaction that made
    the change."""
    await AuditLog.insert(row(*fields, **named))


async def record_export(actor: Actor, what: str, filters: dict[str, Any], file_format: str) -> None:
    """Every export is itself audited: who exported ``what`` (``review``, ``audit``, ...),
    with which filters, in which format (``csv`` or ``xlsx``)."""
    async with write_transaction():
        await record(
            actor.id, f"{what}.export", "export", what, after={**filters, "format": file_format}
        )

"""Writing the audit log; callers pass it the open transaction's changes."""

from __future__ import annotations

import json
from typing import Any

from server.audit.tables import AuditLog


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

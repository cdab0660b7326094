"""Entries, pushes and export files as a phone makes them, for every test that needs one."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from tests.support import ORIGIN

RECORDED_AT = "2026-11-20T10:00:00+08:00"
"""The device time of a built entry unless a test says otherwise."""


def visit_entry(household_id: int, recorded_at: str = RECORDED_AT, **data: Any) -> dict:
    """A ``visit`` entry about ``household_id``; ``data`` adds or replaces its fields."""
    return {
        "id": str(uuid.uuid4()),
        "kind": "visit",
        "schema": 1,
        "recorded_at": recorded_at,
        "data": {"household_id": str(household_id), **data},
    }


def patch_entry(household_id: int, base_version: int, **changes: Any) -> dict:
    """A ``household_patch`` entry changing ``changes`` from ``base_version``."""
    return {
        "id": str(uuid.uuid4()),
        "kind": "household_patch",
        "schema": 1,
        "recorded_at": RECORDED_AT,
        "data": {
            "household_id": str(household_id),
            "base_version": base_version,
            "changes": changes,
        },
    }


def push(
    client,
    entries: list[dict],
    device_id: str = "device-1",
    headers: dict[str, str] | None = None,
    **fields: Any,
):
    """One ``POST /api/sync/push`` as the phone sends it; ``fields`` join the body."""
    body = {"device_id": device_id, "app_version": "test", "entries": entries, **fields}
    return client.post(
        "/api/sync/push",
        content=json.dumps(body),
        headers={"Content-Type": "application/json", "Origin": ORIGIN, **(headers or {})},
    )


def push_results(client, entries: list[dict], **options: Any) -> list[dict]:
    """The per-entry results of a push that must answer 200."""
    response = push(client, entries, **options)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def export_file(account_id: int, entries: list[dict], device_id: str = "phone-1") -> dict:
    """A phone's export of the entries waiting on it (导出待同步数据)."""
    return {
        "format": "doorstep-outbox",
        "version": 1,
        "exported_at": "2026-11-21T08:00:00.000Z",
        "device_id": device_id,
        "account_id": str(account_id),
        "app_version": "0.1.0+abc",
        "entries": entries,
    }


def jpeg_bytes(size: int = 2000, seed: int = 0) -> bytes:
    """Bytes that begin as a JPEG does, ``size`` long (the server checks the start only)."""
    head = b"\xff\xd8\xff\xe0"
    return head + bytes((seed + i * 7) % 256 for i in range(size - len(head)))


def listed(name: str, body: bytes) -> dict:
    """An entry's ``attachments`` item for the file ``body``."""
    return {"name": name, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}


def put_file(client, entry_id: str, name: str, body: bytes, headers: dict[str, str] | None = None):
    """``PUT /api/sync/attachments/<entry id>/<name>`` as the phone sends a file."""
    return client.put(
        f"/api/sync/attachments/{entry_id}/{name}",
        content=body,
        headers={"Content-Type": "image/jpeg", "Origin": ORIGIN, **(headers or {})},
    )


def correction_entry(
    supersedes: str, data: dict | None, reason: str = "", recorded_at: str = RECORDED_AT
) -> dict:
    """A ``correction`` replacing entry ``supersedes`` with ``data`` (None: voiding it)."""
    body: dict[str, Any] = {"supersedes": supersedes, "data": data}
    if reason:
        body["reason"] = reason
    return {
        "id": str(uuid.uuid4()),
        "kind": "correction",
        "schema": 1,
        "recorded_at": recorded_at,
        "data": body,
    }

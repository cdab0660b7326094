"""The push body in the OpenAPI schema.

``POST /api/sync/push`` reads its raw body itself (its own 413, 415 and 400
answers, and one bad entry must not fail its batch), so Litestar cannot see a
body type to document. The handler's ``operation_class`` adds it, generated
from the kinds registry (each kind's data Struct, the very one its checks decode
with, and its sample as the example), so the document cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody

from server.entries.kinds.registry import KINDS
from server.entries.schemas import EntryIn, SyncPush


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with every ``$ref`` into ``defs`` replaced by its target."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {key: _inline(value, defs) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(value, defs) for value in schema]
    return schema


def push_body_schema() -> dict[str, Any]:
    """JSON Schema of the push body: the envelope of each entry, and each kind's data."""
    kinds = [(key, kind.data) for key, kind in KINDS.items()]
    _, defs = msgspec.json.schema_components([SyncPush, EntryIn, *(t for _, t in kinds)])
    body = _inline(defs["SyncPush"], defs)
    entry = _inline(defs["EntryIn"], defs)
    variants = []
    for (kind, number), data_type in kinds:
        variant = _inline(defs[data_type.__name__], defs)
        variant["description"] = f"kind {kind!r}, schema {number}: {variant['description']}"
        variants.append(variant)
    entry["properties"]["data"] = {
        "description": "Decided by the entry's kind and schema; an unknown pair is answered "
        "'retry' (this server does not take it yet).",
        "oneOf": variants,
    }
    body["properties"]["entries"]["items"] = entry
    body["properties"]["entries"]["maxItems"] = 500
    return body


def push_body_example() -> dict[str, Any]:
    """A push carrying each kind's sample entry."""
    samples = [dict(kind.sample) for kind in KINDS.values()]
    return {
        "device_id": "3d0c9b1e-7f2a-4c55-9e81-0b6d2f4a8c17",
        "app_version": "0.1.0",
        "pending_count": len(samples),
        "oldest_pending_at": samples[0]["recorded_at"],
        "entries": samples,
    }


PUSH_BODY = RequestBody(
    content={
        "application/json": OpenAPIMediaType(
            schema=push_body_schema(),  # type: ignore[arg-type]
            example=push_body_example(),
        )
    },
    description="A batch from a phone's outbox, in capture order (at most 500 entries, 1 MiB).",
    required=True,
)


@dataclass
class PushOperation(Operation):
    """The push operation, with the request body Litestar cannot infer."""

    def __post_init__(self) -> None:
        self.request_body = PUSH_BODY

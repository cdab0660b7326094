"""The push body in the OpenAPI schema.

``POST /api/sync/push`` reads its raw body itself (its own 413, 415 and 400
answers, and one bad entry must not fail its batch), so Litestar cannot see a
body type to document. The handler's ``operation_class`` adds it, built from
the very Structs the handler decodes with, so the document cannot drift from
the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPIMediaType, Operation, RequestBody

from server.entries.household_patch import HouseholdPatchV1
from server.entries.schemas import EntryIn, SyncPush, VisitV1

DATA_SCHEMAS: dict[tuple[str, int], type[msgspec.Struct]] = {
    ("visit", 1): VisitV1,
    ("household_patch", 1): HouseholdPatchV1,
}
"""The ``data`` of each (kind, schema) the server stores (the public contract)."""


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
    kinds = list(DATA_SCHEMAS.items())
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


PUSH_BODY = RequestBody(
    content={"application/json": OpenAPIMediaType(schema=push_body_schema())},  # type: ignore[arg-type]
    description="A batch from a phone's outbox, in capture order (at most 500 entries, 1 MiB).",
    required=True,
)


@dataclass
class PushOperation(Operation):
    """The push operation, with the request body Litestar cannot infer."""

    def __post_init__(self) -> None:
        self.request_body = PUSH_BODY

"""The content hash of an entry: what decides whether a resend is a duplicate.

The canonical form must never change, since stored hashes are compared with the
hashes of entries a phone sends again, possibly weeks and app versions later.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import msgspec

_SORTED_JSON = msgspec.json.Encoder(order="sorted")


def _plain(value: Any) -> bool:
    """True when msgspec writes ``value`` byte for byte as the canonical ``json.dumps`` does.

    They differ only for floats written with an exponent (or NaN, infinity) and
    for values JSON does not have.
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return value == 0.0 or 1e-4 <= abs(value) < 1e16
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    if kind is list:
        return all(_plain(item) for item in value)
    return False


def canonical_hash(kind: str, schema: int, recorded_at: str, data: Any) -> str:
    """SHA-256 over the canonical JSON of (kind, schema, recorded_at, data).

    The canonical JSON is ``json.dumps(sort_keys=True, separators=(",", ":"),
    ensure_ascii=False)`` and never changes: stored hashes decide what is a
    duplicate. msgspec writes the same bytes several times faster whenever
    ``_plain`` says so, which is nearly always.
    """
    envelope = {"kind": kind, "schema": schema, "recorded_at": recorded_at, "data": data}
    if _plain(envelope):
        canonical = _SORTED_JSON.encode(envelope)
    else:
        text = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        canonical = text.encode()
    return hashlib.sha256(canonical).hexdigest()

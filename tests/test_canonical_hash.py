"""The content hash never changes: stored hashes decide whether a resend is a duplicate.

The hash is over ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
of (kind, schema, recorded_at, data); the ingest path writes those bytes with msgspec
when that gives the same bytes. Whatever the data, the hash must be the reference one.
"""

from __future__ import annotations

import hashlib
import json
import math
import random

import pytest

EDGES = [
    0.0,
    -0.0,
    1e-4,
    -1e-4,
    9.999999999999999e-05,
    1e16,
    9999999999999998.0,
    1e-05,
    1.5e300,
    -5.67e64,
    math.nan,
    math.inf,
    -math.inf,
    2**53,
    2**63 - 1,
    2**63,
    2**64 - 1,
    2**64,
    -(2**63),
    -(2**63) - 1,
    10**30,
    True,
    False,
    None,
    "",
    "高血压，需要降压药",
    'tab\tnew\nline\r"quote" back\\slash \x00\x1f\x7f',
    "\u2028\u2029 😀 𠀋 ｚ",
]


def reference(kind, schema, recorded_at, data):
    envelope = {"kind": kind, "schema": schema, "recorded_at": recorded_at, "data": data}
    text = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def random_value(rng, depth=0):
    roll = rng.random()
    if depth < 3 and roll < 0.25:
        return {random_key(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}
    if depth < 3 and roll < 0.4:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.55:
        return rng.choice(EDGES)
    if roll < 0.7:
        return rng.uniform(-1, 1) * 10 ** rng.uniform(-8, 20)
    if roll < 0.8:
        return rng.randint(-(2**70), 2**70)
    return random_key(rng)


def random_key(rng):
    alphabet = 'abcAZ_é中ｚ😀\n"\\ '
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))


@pytest.mark.parametrize("value", EDGES, ids=repr)
def test_the_hash_of_each_edge_value_is_the_reference_one(value):
    from server.entries.content_hash import canonical_hash

    data = {"value": value, "list": [value, {"nested": value}]}
    assert canonical_hash("visit", 1, "2026-11-20T10:00:00+08:00", data) == reference(
        "visit", 1, "2026-11-20T10:00:00+08:00", data
    )


def test_the_hash_of_random_data_is_the_reference_one():
    from server.entries.content_hash import canonical_hash

    rng = random.Random(20261129)
    for _ in range(3000):
        data = {random_key(rng): random_value(rng) for _ in range(rng.randint(0, 6))}
        assert canonical_hash("visit", 1, "t", data) == reference("visit", 1, "t", data), data


def test_the_hash_of_a_real_visit_is_the_reference_one():
    from pathlib import Path

    from server.entries.content_hash import canonical_hash

    entry = json.loads((Path(__file__).parent / "samples" / "visit-1.json").read_text())
    args = (entry["kind"], entry["schema"], entry["recorded_at"], entry["data"])
    assert canonical_hash(*args) == reference(*args)

"""The sync contract is public: ``/schema/openapi.json`` documents the push body and answer."""

from __future__ import annotations

import pytest


@pytest.fixture
def schema(client):
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def push_body(schema):
    operation = schema["paths"]["/api/sync/push"]["post"]
    return operation["requestBody"]["content"]["application/json"]["schema"]


def entry_data_variants(schema):
    return push_body(schema)["properties"]["entries"]["items"]["properties"]["data"]["oneOf"]


def test_the_push_body_is_named_and_documented(schema):
    body = push_body(schema)
    assert body["title"] == "SyncPush"
    assert set(body["required"]) == {"device_id", "entries"}
    assert {"app_version", "pending_count", "oldest_pending_at"} <= set(body["properties"])


def test_the_entry_envelope_is_documented(schema):
    entry = push_body(schema)["properties"]["entries"]["items"]
    assert set(entry["required"]) == {"id", "kind", "schema", "recorded_at", "data"}
    assert "attachments" in entry["properties"]


def test_the_visit_schema_1_data_fields_are_documented(schema):
    [visit] = [v for v in entry_data_variants(schema) if v["title"] == "VisitV1"]
    assert set(visit["properties"]) == {
        "household_id",
        "visited_at",
        "companions",
        "needs",
        "follow_up",
        "follow_up_note",
        "location",
    }
    needs = visit["properties"]["needs"]["properties"]
    assert set(needs) == {"health", "training", "livelihood", "work_school"}
    assert needs["health"]["properties"]["level"]["enum"] == ["none", "some", "urgent"]


def test_the_push_answer_is_documented(schema):
    answer = schema["paths"]["/api/sync/push"]["post"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SyncPushResult"
    }
    result = schema["components"]["schemas"]["SyncPushResult"]
    assert {"results", "server_time", "epoch"} <= set(result["properties"])


def test_every_kind_the_server_stores_is_documented(schema):
    from server.entries.kinds.registry import KINDS

    documented = {v["title"] for v in entry_data_variants(schema)}
    assert {kind.data.__name__ for kind in KINDS.values()} <= documented


def test_the_push_example_carries_a_sample_of_every_kind(schema):
    from server.entries.kinds.registry import KINDS

    media = schema["paths"]["/api/sync/push"]["post"]["requestBody"]["content"]
    example = media["application/json"]["example"]
    assert {(e["kind"], e["schema"]) for e in example["entries"]} == set(KINDS)

"""``/schema``: the API documentation page works under the app's Content-Security-Policy."""

from __future__ import annotations


def test_the_schema_page_lists_the_operations_and_links_the_json(client):
    response = client.get("/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "POST /api/sync/push" in response.text
    assert "GET /api/sync/pull" in response.text
    assert '<a href="/schema/openapi.json">openapi.json</a>' in response.text


def test_the_schema_page_needs_no_script_the_policy_would_refuse(client):
    response = client.get("/schema")
    assert "<script" not in response.text
    assert "script-src" in response.headers["content-security-policy"]


def test_the_json_schema_is_still_served(client):
    assert client.get("/schema/openapi.json").json()["info"]["title"] == "Doorstep"

"""Errors read as pages in the app's look for people, and as JSON under /api/;
HEAD answers wherever GET does."""

from __future__ import annotations

import pytest

from tests.helpers import boom, client_with_routes


@pytest.fixture
def failing_client(demo_db, settings):
    """A client of the real app with one extra route that raises."""
    with client_with_routes(settings, boom) as test_client:
        yield test_client


def _is_error_page(response, status: int) -> bool:
    return (
        response.status_code == status
        and response.headers["content-type"].startswith("text/html")
        and f'data-status="{status}"' in response.text
        and '<link rel="stylesheet" href="/static/app.css' in response.text
    )


def test_an_unknown_page_is_a_404_page_in_chinese(client):
    response = client.get("/no-such-page")
    assert _is_error_page(response, 404)
    assert "找不到该页面" in response.text


def test_a_household_out_of_reach_is_a_404_page(as_user):
    response = as_user("vol1").get("/households/999999")
    assert _is_error_page(response, 404)


def test_a_coordinators_page_is_a_404_page_for_a_volunteer(vol1):
    assert _is_error_page(vol1.get("/devices"), 404)


def test_a_wrong_method_is_a_405_page_naming_the_allowed_ones(client):
    response = client.put("/login")
    assert _is_error_page(response, 405)
    assert "POST" in response.headers["allow"]


def test_a_refused_form_is_a_403_page(vol1):
    response = vol1.post("/logout", data={"_csrf_token": "forged"})
    assert _is_error_page(response, 403)


def test_a_defect_is_a_500_page(failing_client):
    response = failing_client.get("/test-only/boom")
    assert _is_error_page(response, 500)
    assert "a defect" not in response.text


def test_the_api_keeps_answering_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


def test_head_answers_like_get_without_a_body(client):
    got = client.get("/login")
    head = client.head("/login")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


def test_head_works_for_the_health_check_and_static_files(client):
    assert client.head("/healthz").status_code == 200
    assert client.head("/static/app.css").status_code == 200

"""Every response carries the security headers; defects are logged once, with their
traceback, and a 404 not at all; public and CSRF-exempt paths are whole paths."""

from __future__ import annotations

import logging

import pytest
from litestar import get, post

from tests.helpers import boom, client_with_routes
from tests.support import login

HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin"}


@get("/login-history", include_in_schema=False)
async def login_history() -> str:
    """A page for logged-in people whose path begins like the public /login."""
    return "private"


@post("/admin/api/sync-settings", include_in_schema=False)
async def sync_settings() -> str:
    """A form-backed POST whose path holds the CSRF-exempt /api/sync."""
    return "changed"


@pytest.fixture
def app_client(demo_db, settings):
    """A client of the real app with three extra routes."""
    with client_with_routes(settings, boom, login_history, sync_settings) as test_client:
        yield test_client


def _has_security_headers(response) -> bool:
    return all(response.headers.get(k) == v for k, v in HEADERS.items()) and (
        "frame-ancestors 'none'" in response.headers.get("content-security-policy", "")
    )


@pytest.mark.parametrize(
    "path", ["/login", "/static/app.css", "/no-such-page", "/api/no-such-thing", "/healthz"]
)
def test_every_response_carries_the_security_headers(client, path):
    assert _has_security_headers(client.get(path))


def test_a_wrong_method_carries_the_security_headers(client):
    assert _has_security_headers(client.put("/login"))


def test_a_500_carries_the_security_headers(app_client):
    assert _has_security_headers(app_client.get("/test-only/boom"))


def test_the_service_worker_keeps_its_own_policy(client):
    policy = client.get("/sw.js").headers["content-security-policy"]
    assert "frame-ancestors" not in policy
    assert policy.startswith("default-src 'self'")


def _errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_defect_is_logged_once_with_its_traceback(app_client, caplog):
    with caplog.at_level(logging.ERROR):
        app_client.get("/test-only/boom")
    [record] = _errors(caplog)
    assert record.exc_info is not None
    assert "a defect" in str(record.exc_info[1])


def test_a_404_is_not_logged_as_an_error(client, caplog):
    with caplog.at_level(logging.ERROR):
        assert client.get("/no-such-page").status_code == 404
    assert _errors(caplog) == []


def test_a_path_that_begins_like_a_public_one_needs_a_session(app_client):
    response = app_client.get("/login-history", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_a_path_that_holds_the_sync_api_is_not_exempt_from_csrf(app_client):
    login(app_client, "coord")
    assert app_client.post("/admin/api/sync-settings").status_code == 403

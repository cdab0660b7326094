"""Property-based requests over the whole OpenAPI schema: no operation answers 5xx.

Schemathesis generates requests from ``/schema/openapi.json`` (paths, query
parameters, bodies, with values at and beyond their limits) and they go through
the real app, logged in as a volunteer and as an admin, on SQLite and (with
DOORSTEP_TEST_DB=postgres) on PostgreSQL. The examples per operation are few and
fixed (derandomised), so the run stays bounded and repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.support import ORIGIN, login

EXAMPLES = 2
"""Generated examples per operation and role (besides the coverage phase's): with it,
about half a minute a database on this machine."""
SKIPPED = {("POST", "/logout")}
"""Would end the shared session and leave the remaining operations unauthenticated."""


@pytest.fixture(scope="module")
def app_clients(_migrated) -> Iterator[dict]:
    """One app on freshly loaded demo data, with a client per role (logged in once:
    hashing a password per example would take most of the time)."""
    from litestar.testing import TestClient
    from piccolo.utils.sync import run_sync

    from server import demo
    from server.accounts import service as accounts
    from server.app import create_app
    from tests.conftest import _wipe
    from tests.support import DEMO_PASSWORD

    run_sync(_wipe())
    run_sync(demo.load(DEMO_PASSWORD))
    run_sync(accounts.create_account("admin", DEMO_PASSWORD, display_name="管理员", role="admin"))
    opened = {}
    for role, username in (("volunteer", "vol1"), ("admin", "admin")):
        client = TestClient(create_app(), base_url=ORIGIN)
        client.__enter__()
        login(client, username)
        opened[role] = client
    yield opened
    for client in opened.values():
        client.__exit__(None, None, None)


def _document() -> dict:
    """The app's OpenAPI document, made without a database (tests are collected first)."""
    import dataclasses

    from server.app import create_app
    from server.settings import Settings

    settings = dataclasses.replace(Settings.from_env(), secret_key="openapi-only")
    return create_app(settings).openapi_schema.to_schema()


DOCUMENT = _document()
admin_schema = schemathesis.openapi.from_dict(DOCUMENT)
"""Every phase, the coverage one included (boundary and out-of-range values of each
parameter and field: ids beyond 64 bits, years 1 and 9999, NUL), as the role that
reaches every operation's queries (a volunteer is turned away from most before them)."""
volunteer_schema = schemathesis.openapi.from_dict(DOCUMENT)
volunteer_schema.config.phases.coverage.enabled = False
"""Generated examples only: running the coverage phase twice would double the time."""


def _past_64_bits(context, values):
    """Generated integers above 1 pushed past 64 bits (0 and 1 stay, to reach real rows):
    SQLite binds at most 64 bits and PostgreSQL's columns hold 32, and Hypothesis alone
    seldom draws that far in a few examples."""
    if not isinstance(values, dict):
        return values
    return {name: _far(value) for name, value in values.items()}


def _far(value):
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    if number is None or number <= 1:
        return value
    return type(value)(number + 2**64)


for _schema in (admin_schema, volunteer_schema):
    _schema.hook("map_path_parameters")(_past_64_bits)
    _schema.hook("map_query")(_past_64_bits)


def _send(client, case) -> int:
    kwargs = case.as_transport_kwargs(base_url=ORIGIN)
    body = kwargs.pop("data", None)
    if body is not None:
        kwargs["content"] = body
    kwargs["headers"] = {
        **kwargs.get("headers", {}),
        "Origin": ORIGIN,
        "x-csrftoken": client.cookies.get("csrftoken", ""),
    }
    kwargs.pop("cookies", None)
    return client.request(**kwargs, follow_redirects=False).status_code


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _check(case, client, role: str) -> None:
    if (case.method.upper(), case.path) in SKIPPED:
        pytest.skip("ends the session the other operations use")
    status = _send(client, case)
    assert status < 500, f"{case.method} {case.formatted_path} as {role}: {status}"


@volunteer_schema.parametrize()
@FUZZ
def test_no_operation_answers_5xx_to_a_volunteer(case, app_clients):
    _check(case, app_clients["volunteer"], "volunteer")


@admin_schema.parametrize()
@FUZZ
def test_no_operation_answers_5xx_to_an_admin(case, app_clients):
    _check(case, app_clients["admin"], "admin")

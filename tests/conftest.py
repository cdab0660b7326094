"""Fixtures: the database (SQLite, or PostgreSQL with DOORSTEP_TEST_DB=postgres), the app,
logged-in clients, the live server and the browser."""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import (
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    ORIGIN,
    ROOT,
    LiveServer,
    PostgresCluster,
    login,
    route_htmx,
)

_WORK = Path(tempfile.mkdtemp(prefix="doorstep-tests-"))
_CLUSTER: PostgresCluster | None = None
CACHE = Path(os.environ.get("DOORSTEP_TEST_CACHE", Path.home() / ".cache" / "doorstep-tests"))


def pytest_configure(config: pytest.Config) -> None:
    """Point the app at a throwaway database before anything imports it."""
    global _CLUSTER
    os.environ["DATA_DIR"] = str(_WORK / "data")
    os.environ["PUBLIC_ORIGIN"] = ORIGIN
    # Cheap Argon2 (a real, valid setting): at the default cost one login takes about a
    # second on a busy 2-core machine, and the suite logs in about a thousand times.
    os.environ["PASSWORD_MEMORY_KIB"] = "1024"
    os.environ["PASSWORD_TIME_COST"] = "1"
    os.environ["TMPDIR"] = str(_WORK / "tmp")
    (_WORK / "tmp").mkdir(parents=True, exist_ok=True)
    if os.environ.get("DOORSTEP_TEST_DB") == "postgres":
        _CLUSTER = PostgresCluster(_WORK / "pg")
        os.environ["DATABASE_URL"] = _CLUSTER.start()
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{_WORK / 'data' / 'doorstep.sqlite3'}"


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the cluster and remove the work folder."""
    if _CLUSTER is not None:
        _CLUSTER.stop()
    shutil.rmtree(_WORK, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests last: the Playwright sync API owns an event loop once it starts."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def settings():
    """The settings every test app uses."""
    from server.settings import Settings

    return Settings.from_env()


@pytest.fixture(scope="session")
def _migrated(settings) -> None:
    from piccolo.utils.sync import run_sync

    from server.db import ensure_dirs, migrate
    from server.entries.kinds import visit_tally

    ensure_dirs(settings)
    run_sync(migrate(settings))
    run_sync(visit_tally.ensure_zone(settings.time_zone))


KEPT = {"tally_month"}
"""Tables the migration fills (the local months' bounds), kept from test to test."""


async def _wipe() -> None:
    from server.db import engine, is_sqlite

    names = _table_names()
    if is_sqlite():
        async with engine().transaction():
            for name in reversed(names):
                await engine().run_ddl(f'DELETE FROM "{name}"')
    else:
        quoted = ", ".join(f'"{n}"' for n in names)
        await engine().run_ddl(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")


@pytest.fixture
def empty_db(_migrated) -> None:
    """A migrated database with no rows."""
    from piccolo.utils.sync import run_sync

    run_sync(_wipe())


_DEMO_ROWS: dict[str, tuple[list[str], list[tuple]]] = {}
"""The demo's rows, read once after the first real load and copied back for each test."""


def _table_names() -> list[str]:
    from server.piccolo_app import APP_CONFIG

    return [t._meta.tablename for t in APP_CONFIG.table_classes if t._meta.tablename not in KEPT]


async def _pg_copy(save: bool) -> None:
    import asyncpg

    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        for name in _table_names():
            if save:
                records = await connection.fetch(f'SELECT * FROM "{name}"')
                columns = list(records[0].keys()) if records else []
                _DEMO_ROWS[name] = (columns, [tuple(r) for r in records])
                continue
            columns, rows = _DEMO_ROWS[name]
            if not rows:
                continue
            async with connection.transaction():
                # Foreign keys are checked by triggers; the copy is already consistent.
                await connection.execute("SET LOCAL session_replication_role = replica")
                names = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(f"${i + 1}" for i in range(len(columns)))
                await connection.executemany(
                    f'INSERT INTO "{name}" ({names}) VALUES ({marks})', rows
                )
            sequence = (
                await connection.fetchval("SELECT pg_get_serial_sequence($1, 'id')", f'"{name}"')
                if "id" in columns
                else None
            )
            if sequence:
                await connection.execute(
                    f'SELECT setval($1, (SELECT MAX(id) FROM "{name}"))', sequence
                )
    finally:
        await connection.close()


def _sqlite_copy(save: bool) -> None:
    import sqlite3

    connection = sqlite3.connect(os.environ["DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        with connection:
            for name in _table_names():
                if save:
                    cursor = connection.execute(f'SELECT * FROM "{name}"')
                    _DEMO_ROWS[name] = ([d[0] for d in cursor.description], cursor.fetchall())
                    continue
                columns, rows = _DEMO_ROWS[name]
                if rows:
                    marks = ", ".join("?" for _ in columns)
                    connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    finally:
        connection.close()


@pytest.fixture
def demo_db(empty_db) -> None:
    """The demo data, fresh for each test (loaded for real once, then copied back)."""
    from piccolo.utils.sync import run_sync

    from server import demo
    from server.system import service as system

    postgres = os.environ["DATABASE_URL"].startswith("postgres")
    if not _DEMO_ROWS:
        run_sync(demo.load(DEMO_PASSWORD))
        # Kept with the demo: the app reads them once per process, and the server process
        # the browser tests share must find the same values in every test's database.
        run_sync(system.secret_key())
        run_sync(system.epoch())
        if postgres:
            run_sync(_pg_copy(save=True))
        else:
            _sqlite_copy(save=True)
    elif postgres:
        run_sync(_pg_copy(save=False))
    else:
        _sqlite_copy(save=False)


_IDLE_APPS: list = []
"""Apps made with the session's settings whose lifespan has ended, for later tests: making
one registers every route (about a second on a busy machine), and most tests want one."""


@pytest.fixture
def new_client(demo_db, settings) -> Iterator:
    """``new_client()``: an HTTP client with its own app (one app per client: a
    Litestar app must not run two lifespans at once). The app is started for the client
    and stopped after the test, so each test sees an app fresh from its start."""
    from litestar.testing import TestClient

    from server.app import create_app

    opened = []

    def make():
        app = _IDLE_APPS.pop() if _IDLE_APPS else create_app(settings)
        test_client = TestClient(app, base_url=ORIGIN)
        test_client.__enter__()
        opened.append((test_client, app))
        return test_client

    yield make
    for test_client, app in reversed(opened):
        test_client.__exit__(None, None, None)
        for key in [k for k in app.state.dict() if k != "settings"]:
            del app.state[key]  # what an app learns once per process (the epoch)
        _IDLE_APPS.append(app)


@pytest.fixture
def client(new_client):
    """An HTTP client with no session."""
    return new_client()


@pytest.fixture
def as_user(new_client):
    """``as_user("vol1")``: an HTTP client logged in as that demo account."""

    def make(username: str):
        test_client = new_client()
        login(test_client, username)
        return test_client

    return make


@pytest.fixture
def vol1(as_user):
    """A client logged in as vol1 (team leader, 郧阳区)."""
    return as_user("vol1")


@pytest.fixture
def db(demo_db):
    """Run a coroutine function against the database: ``db(fn, *args)``."""
    from piccolo.utils.sync import run_sync

    def call(fn, *args):
        return run_sync(fn(*args))

    return call


@pytest.fixture
def app_as(demo_db, settings):
    """``app_as("vol1", push_timeout_seconds=2)``: a logged-in client of an app with
    these settings (each client its own app and worker)."""
    from litestar.testing import TestClient

    from server.app import create_app

    opened = []

    def make(username: str | None, **overrides):
        client = TestClient(create_app(dataclasses.replace(settings, **overrides)), base_url=ORIGIN)
        client.__enter__()
        opened.append(client)
        if username:
            login(client, username)
        return client

    yield make
    for client in reversed(opened):
        client.__exit__(None, None, None)


@pytest.fixture
def no_doorbells(demo_db):
    """Start from no doorbells (loading the demo paired its volunteers, which rang them)."""
    from piccolo.utils.sync import run_sync

    from server.notify.tables import Notification

    run_sync(Notification.delete(force=True).run())


# --- browser -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A 390×844 phone speaking Chinese."""
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "locale": "zh-CN",
        "is_mobile": True,
        "has_touch": True,
        "service_workers": "allow",
    }


@pytest.fixture(scope="session")
def htmx_path() -> Path:
    """htmx 2.0.11 from the npm registry, checked against the SRI hash."""
    from server.settings import DEFAULT_HTMX_INTEGRITY, HTMX_VERSION
    from tests.support import htmx_file

    return htmx_file(CACHE, HTMX_VERSION, DEFAULT_HTMX_INTEGRITY)


@pytest.fixture(scope="session")
def _serving() -> Iterator[LiveServer]:
    """The one ``doorstep serve`` process the browser tests share (starting the app costs
    seconds; every test gets the demo data back in the database it serves)."""
    server = LiveServer(dict(os.environ))
    yield server
    server.stop()


@pytest.fixture
def live_server(demo_db, _serving) -> Iterator[LiveServer]:
    """``doorstep serve`` on the demo data, on a random loopback port.

    A test may stop, kill, restart or redeploy it; the next test then gets a fresh process
    (a restarted app may have read what that test left, such as a restored epoch).
    """
    server = _serving
    if server.env != server.env_for(os.environ):
        server.stop()
        server.env = server.env_for(os.environ)
    if server.process is None or server.process.poll() is not None:
        server.stop()
        server.start()
    process = server.process
    yield server
    if server.process is not process or server.root != ROOT:
        server.stop()
        server.root = ROOT


@pytest.fixture
def context(context, htmx_path):
    """Every browser context gets htmx from the registry copy instead of the CDN."""

    route_htmx(context, htmx_path)
    return context

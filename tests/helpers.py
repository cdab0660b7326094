"""Small shared steps of the HTTP tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

from litestar import get

from tests.support import ORIGIN, ROOT, csrf, form_fields


async def household_ids_of(username: str) -> list[int]:
    """Households paired with the demo account ``username`` now."""
    from server.accounts.tables import Account
    from server.scope import paired_household_ids

    account = await Account.select(Account.id).where(Account.username == username).first()
    return await paired_household_ids(account["id"])


def visit_form(client, household_id: int) -> dict[str, str]:
    """A freshly rendered visit form's fields, with no need marked."""
    response = client.get(f"/households/{household_id}/visit")
    assert response.status_code == 200
    fields = form_fields(response.text)
    fields["_csrf_token"] = csrf(client)
    for area in ("health", "training", "livelihood", "work_school"):
        fields[f"needs.{area}.level"] = "none"
    return fields


def errors_in(html: str) -> list[str]:
    """The non-empty error messages on a page."""
    return [m.strip() for m in re.findall(r'class="error"[^>]*>([^<]+)<', html) if m.strip()]


def doorstep_cli(env: dict[str, str], *args: str) -> str:
    """Run the ``doorstep`` command with ``env``; returns what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def empty_database(tmp_path: Path) -> str:
    """A DATABASE_URL for a new, empty database beside the test one."""
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        return f"sqlite:///{tmp_path / 'restored' / 'doorstep.sqlite3'}"
    name = f"restored_{uuid.uuid4().hex[:8]}"

    async def create():
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    asyncio.run(create())
    return url.rsplit("/", 1)[0] + f"/{name}"


@get("/test-only/boom", opt={"exclude_from_auth": True}, include_in_schema=False)
async def boom() -> str:
    """Stands for a defect: an exception nothing handles."""
    raise RuntimeError("a defect")


@contextlib.contextmanager
def client_with_routes(settings, *handlers) -> Iterator:
    """A client of the real app with extra routes, answering 500s instead of raising."""
    from litestar.testing import TestClient

    from server.app import create_app

    app = create_app(settings)
    for handler in handlers:
        app.register(handler)
    with TestClient(app, base_url=ORIGIN, raise_server_exceptions=False) as test_client:
        yield test_client

"""The ``doorstep`` command as the README documents it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import doorstep_cli
from tests.support import ROOT


def _role_of(db, username: str) -> str | None:
    from server.accounts.tables import Account

    async def read():
        row = await Account.select(Account.role).where(Account.username == username).first()
        return None if row is None else row["role"]

    return db(read)


def test_user_add_makes_an_admin_without_an_area(demo_db, db):
    printed = doorstep_cli(
        dict(os.environ), "user", "add", "boss", "--role", "admin", "--password", "long-enough"
    )
    assert "Created account boss" in printed
    assert _role_of(db, "boss") == "admin"


def test_user_add_refuses_an_area_that_does_not_exist(demo_db, db):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "user",
            "add",
            "c2",
            "--role",
            "coordinator",
            "--area",
            "没有这个区",
            "--password",
            "long-enough",
        ],
        env=dict(os.environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "没有这个区" in result.stderr
    assert _role_of(db, "c2") is None

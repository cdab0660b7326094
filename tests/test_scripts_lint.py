"""The phone's scripts: every file is an ES module that parses and lints on its own.

ESLint (from the npm registry, once per machine) checks each file in ``web/static/`` and
``service_worker/`` as a module: no syntax error, no name used that the file neither
declares nor imports (nor the browser provides), no unused name, nothing declared twice.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CACHE
from tests.support import ROOT

ESLINT = ["eslint@9.39.1", "globals@15.15.0"]
SCRIPTS = sorted([*ROOT.glob("web/static/**/*.js"), *ROOT.glob("service_worker/*.js")])


@pytest.fixture(scope="module")
def eslint():
    """The ESLint command line, installed under the test cache."""
    home = CACHE / "eslint"
    binary = home / "node_modules" / ".bin" / "eslint"
    home.mkdir(parents=True, exist_ok=True)
    # Test processes side by side install it once: the second waits for the first.
    with open(home / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not binary.exists():
            (home / "package.json").write_text('{"private": true}')
            subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--silent", *ESLINT],
                cwd=home,
                check=True,
                capture_output=True,
            )
    return binary


def _lint(eslint, paths):
    """ESLint's messages per file (relative path) for ``paths``."""
    config = ROOT / "tests" / "eslint.config.mjs"
    result = subprocess.run(
        [str(eslint), "--no-config-lookup", "--config", str(config), "--format", "json", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"DOORSTEP_ESLINT_HOME": str(eslint.parent.parent.parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout, result.stderr
    return {
        Path(report["filePath"]).relative_to(ROOT).as_posix(): report["messages"]
        for report in json.loads(result.stdout)
    }


@pytest.fixture(scope="module")
def linted(eslint):
    """Every script's messages, linted in one run."""
    return _lint(eslint, [p.relative_to(ROOT).as_posix() for p in SCRIPTS])


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_each_script_parses_and_lints_as_a_module_on_its_own(linted, path):
    assert linted[path.relative_to(ROOT).as_posix()] == []


def test_the_lint_finds_a_name_that_is_neither_declared_nor_imported(eslint):
    sample = ROOT / "service_worker" / "_lint_sample.js"
    sample.write_text('import { drain } from "/static/drain.js";\ndrain(SYNC_TAG);\n')
    try:
        messages = _lint(eslint, [sample.relative_to(ROOT).as_posix()])
    finally:
        sample.unlink()
    assert [m["ruleId"] for m in messages["service_worker/_lint_sample.js"]] == ["no-undef"]

"""``doorstep htmx``: htmx 2.0.11 from the npm registry, checked, and served by the app itself."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
import tarfile

import pytest

from tests.support import ORIGIN, ROOT

VENDOR_URL = "/vendor/htmx.min.js"


def doorstep_htmx(data_dir, *args):
    """Run the real command with its own DATA_DIR."""
    env = {**os.environ, "DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "htmx", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def fake_registry(folder, script: bytes) -> str:
    """A registry (as a file:// URL) whose htmx.org 2.0.11 tarball holds ``script``."""
    from server.settings import HTMX_VERSION

    package = folder / "htmx.org" / "-"
    package.mkdir(parents=True)
    with tarfile.open(package / f"htmx.org-{HTMX_VERSION}.tgz", "w:gz") as archive:
        info = tarfile.TarInfo("package/dist/htmx.min.js")
        info.size = len(script)
        archive.addfile(info, io.BytesIO(script))
    return folder.as_uri()


@pytest.fixture
def vendored_app(empty_db, settings, tmp_path, htmx_path):
    """An app with HTMX_URL=/vendor/htmx.min.js and the checked copy in its DATA_DIR."""
    from litestar.testing import TestClient

    from server.app import create_app

    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "htmx.min.js").write_bytes(htmx_path.read_bytes())
    own = dataclasses.replace(settings, data_dir=tmp_path, htmx_url=VENDOR_URL)
    with TestClient(create_app(own), base_url=ORIGIN) as client:
        yield client


def test_the_command_downloads_htmx_from_the_registry_and_checks_it(tmp_path):
    from server.settings import DEFAULT_HTMX_INTEGRITY
    from server.vendor_htmx import sri

    done = doorstep_htmx(tmp_path)
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "vendor" / "htmx.min.js").read_bytes()
    assert sri(written) == DEFAULT_HTMX_INTEGRITY
    assert f"HTMX_URL={VENDOR_URL}" in done.stdout


def test_a_file_that_does_not_match_the_hash_is_refused_and_nothing_is_written(tmp_path):
    registry = fake_registry(tmp_path / "registry", b"alert('not htmx')")
    done = doorstep_htmx(tmp_path / "data", "--registry", registry)
    assert done.returncode == 1
    assert "Refused" in done.stderr
    assert not (tmp_path / "data" / "vendor").exists() or not any(
        (tmp_path / "data" / "vendor").iterdir()
    )


def test_a_refused_download_leaves_the_served_copy_as_it_was(tmp_path, htmx_path):
    served = tmp_path / "data" / "vendor" / "htmx.min.js"
    served.parent.mkdir(parents=True)
    served.write_bytes(htmx_path.read_bytes())
    registry = fake_registry(tmp_path / "registry", b"alert('not htmx')")
    done = doorstep_htmx(tmp_path / "data", "--registry", registry)
    assert done.returncode == 1
    assert served.read_bytes() == htmx_path.read_bytes()
    assert [p.name for p in served.parent.iterdir()] == ["htmx.min.js"]


def test_the_app_serves_the_copy_without_a_session(vendored_app, htmx_path):
    response = vendored_app.get(VENDOR_URL)
    assert response.status_code == 200
    assert response.content == htmx_path.read_bytes()
    assert "javascript" in response.headers["content-type"]


def test_pages_load_htmx_from_the_app_with_its_integrity(vendored_app):
    from server.settings import DEFAULT_HTMX_INTEGRITY

    html = vendored_app.get("/login").text
    assert f'<script src="{VENDOR_URL}" integrity="{DEFAULT_HTMX_INTEGRITY}"' in html


def test_the_content_security_policy_allows_only_this_origin_for_scripts(vendored_app):
    policy = vendored_app.get("/login").headers["content-security-policy"]
    [scripts] = [d.strip() for d in policy.split(";") if d.strip().startswith("script-src")]
    assert scripts == "script-src 'self'"

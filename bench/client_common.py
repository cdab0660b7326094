"""A demo server and a Chromium phone for the client benchmarks (not tests)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import LiveServer, htmx_file, route_htmx  # noqa: E402

PASSWORD = "bench-password"
CACHE = Path(os.environ.get("DOORSTEP_TEST_CACHE", Path.home() / ".cache" / "doorstep-tests"))


@contextlib.contextmanager
def demo_server(
    settings: dict[str, str] | None = None, vendor: dict[str, Path] | None = None
) -> Iterator[LiveServer]:
    """``doorstep serve`` on fresh demo data in a temporary folder.

    ``settings``: more environment for the app; ``vendor``: files it serves at /vendor/.
    """
    work = Path(tempfile.mkdtemp(prefix="doorstep-bench-"))
    env = {
        **os.environ,
        "DATA_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'doorstep.sqlite3'}",
        "TMPDIR": str(work),
        **(settings or {}),
    }
    for name, source in (vendor or {}).items():
        (work / "vendor").mkdir(exist_ok=True)
        shutil.copy(source, work / "vendor" / name)
    subprocess.run(
        [sys.executable, "-m", "server.cli", "demo", "--password", PASSWORD],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    server = LiveServer(env)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def htmx_route(context) -> None:
    """htmx from the npm registry copy (checked against its SRI hash), not the CDN."""
    from server.settings import DEFAULT_HTMX_INTEGRITY, HTMX_VERSION

    path = htmx_file(CACHE, HTMX_VERSION, DEFAULT_HTMX_INTEGRITY)
    route_htmx(context, path)

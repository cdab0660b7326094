"""Test helpers: a throwaway PostgreSQL cluster, a live server process, logging in."""

from __future__ import annotations

import base64
import glob
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORIGIN = "http://testserver.local"
DEMO_PASSWORD = "doorstep-demo"


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Debian's Chromium as root, headless, with no calls to the outside world."""


def route_htmx(context, path: Path) -> None:
    """Serve the pinned htmx URL from ``path`` (the registry copy) to pages and the worker."""
    from server.settings import DEFAULT_HTMX_URL

    context.route(
        DEFAULT_HTMX_URL,
        lambda route: route.fulfill(
            path=str(path),
            content_type="text/javascript",
            headers={"Access-Control-Allow-Origin": "*"},
        ),
    )


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (the test command installs them)")
    return found[0]


class PostgresCluster:
    """initdb + pg_ctl in a temp folder, owned by the ``postgres`` user (initdb refuses root)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.data = base / "pgdata"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> str:
        """Start the cluster and return a DATABASE_URL for a fresh database."""
        self.base.mkdir(parents=True, exist_ok=True)
        if self.as_user:
            shutil.chown(self.base, "postgres")
            # mkdtemp folders are 0700: the postgres user must at least pass through.
            self.base.parent.chmod(self.base.parent.stat().st_mode | 0o711)
        subprocess.run(
            [
                *self.as_user,
                _pg_bin("initdb"),
                "--no-sync",
                "-A",
                "trust",
                "-U",
                "doorstep",
                "-D",
                str(self.data),
            ],
            check=True,
            capture_output=True,
        )
        options = f"-p {self.port} -k {self.base} -h 127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            [
                *self.as_user,
                _pg_bin("pg_ctl"),
                "-w",
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.base / "pg.log"),
                "start",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                _pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "doorstep",
                "doorstep_test",
            ],
            check=True,
            capture_output=True,
        )
        return f"postgres://doorstep@127.0.0.1:{self.port}/doorstep_test"

    def stop(self) -> None:
        """Stop the cluster at once."""
        subprocess.run(
            [*self.as_user, _pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )


class LiveServer:
    """``doorstep serve`` in a subprocess on a random port (for the browser)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = self.env_for(env)
        self.process: subprocess.Popen | None = None
        self.log = None
        self.root = ROOT
        """The code it runs; a copy of the project plays a new deploy on the same port."""

    def env_for(self, env) -> dict[str, str]:
        """The environment it runs with, from the tests' own ``env`` (without the name of
        the test pytest is running: it changes with every test, and a changed environment
        starts a new process)."""
        kept = {k: v for k, v in env.items() if k != "PYTEST_CURRENT_TEST"}
        return {**kept, "PUBLIC_ORIGIN": self.url, "MIGRATE_ON_START": "0"}

    def start(self) -> None:
        """Start and wait until it answers."""
        log = self.log = open(Path(self.env["DATA_DIR"]) / f"server-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server.cli",
                "serve",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=self.root,
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 60  # a loaded CI machine imports slowly
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("server exited at start") from None
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self, kill: bool = False) -> None:
        """Stop it (``kill``: at once, as a crash would)."""
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(timeout=20)
        self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None


def htmx_file(cache_dir: Path, version: str, integrity: str) -> Path:
    """htmx from the npm registry, checked against the pinned SRI hash."""
    target = cache_dir / f"htmx-{version}.min.js"
    if not target.exists():
        with tempfile.TemporaryDirectory() as work:
            subprocess.run(
                ["npm", "pack", f"htmx.org@{version}", "--silent"],
                cwd=work,
                check=True,
                capture_output=True,
            )
            [tarball] = glob.glob(f"{work}/htmx.org-*.tgz")
            with tarfile.open(tarball) as archive:
                member = archive.extractfile("package/dist/htmx.min.js")
                assert member is not None
                data = member.read()
        _write_once(target, data)
    digest = "sha384-" + base64.b64encode(hashlib.sha384(target.read_bytes()).digest()).decode()
    assert digest == integrity, f"htmx {version} does not match its SRI hash"
    return target


def npm_file(cache_dir: Path, package: str, path: str) -> Path:
    """One file of an npm package (e.g. axe-core), fetched once per machine."""
    name = re.sub(r"[^\w.-]", "_", f"{package}-{path}")
    target = cache_dir / name
    if not target.exists():
        with tempfile.TemporaryDirectory() as work:
            subprocess.run(
                ["npm", "pack", package, "--silent"], cwd=work, check=True, capture_output=True
            )
            [tarball] = glob.glob(f"{work}/*.tgz")
            with tarfile.open(tarball) as archive:
                member = archive.extractfile(f"package/{path}")
                assert member is not None
                _write_once(target, member.read())
    return target


def _write_once(target: Path, data: bytes) -> None:
    """Write a cached file whole (test processes running side by side may fetch it together:
    a reader never sees half of it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)


def csrf(client) -> str:
    """The CSRF token cookie (fetching a page first if there is none yet)."""
    if "csrftoken" not in client.cookies:
        client.get("/login")
    return client.cookies["csrftoken"]


def login(client, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log ``client`` in through the real form."""
    response = client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def form_fields(html: str) -> dict[str, str]:
    """Hidden and prefilled inputs of a rendered form."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and value and (not kind or kind.group(1) not in ("radio", "checkbox")):
            fields[name.group(1)] = value.group(1)
    return fields

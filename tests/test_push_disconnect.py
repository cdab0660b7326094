"""A phone that goes away mid-upload is not a server error."""

from __future__ import annotations

import socket
import time
import urllib.request
from pathlib import Path

import httpx

from tests.support import login


def _session_cookie(url: str) -> str:
    with httpx.Client(base_url=url) as client:
        login(client, "vol1")
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def test_a_push_cut_off_mid_body_logs_no_server_error(live_server):
    log_file = Path(live_server.env["DATA_DIR"]) / f"server-{live_server.port}.log"
    # The process serves other tests too: only what it logs from here on is this test's.
    start = log_file.stat().st_size if log_file.exists() else 0
    cookie = _session_cookie(live_server.url)
    head = (
        "POST /api/sync/push HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{live_server.port}\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 100000\r\n"
        f"Cookie: {cookie}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", live_server.port)) as sock:
        sock.sendall(head.encode() + b'{"device_id": "')
        time.sleep(0.5)
    time.sleep(1)
    with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=5) as answer:
        assert answer.status == 200
    log = log_file.read_bytes()[start:].decode()
    assert "Traceback" not in log
    assert "disconnected prematurely" not in log

"""A fake push service and a fake SMS gateway on loopback, and a browser's subscription.

The push service checks what a real one would: the VAPID JWT (ES256, signed by the key in
``k=``, ``aud`` the endpoint's origin, not expired) and the ``aes128gcm`` body, which it
decrypts with the test subscription's private key, as the browser would.
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's side of a subscription: its key pair and auth secret."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self, endpoint: str, device_id: str = "phone-1") -> dict[str, Any]:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
            "device_id": device_id,
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        return json.loads(
            http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        )


def verify_vapid(authorization: str, origin: str) -> tuple[dict[str, Any], str]:
    """The JWT's claims and the key in ``k=``; raises AssertionError if it does not verify."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    token, key = parts["t"], parts["k"]
    head, payload, signature = token.split(".")
    assert json.loads(unb64url(head)) == {"typ": "JWT", "alg": "ES256"}
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{head}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    claims = json.loads(unb64url(payload))
    assert claims["aud"] == origin, claims
    assert claims["exp"] > time.time()
    assert claims["sub"]
    return claims, key


@dataclass
class Received:
    """One request as the fake service saw it."""

    path: str
    headers: dict[str, str]
    body: bytes


class FakeService:
    """An HTTP server on 127.0.0.1 recording every POST; ``status`` answers it, ``hang``
    holds it until released, ``fail_first`` answers that many requests 500 first."""

    def __init__(self, status: int = 201) -> None:
        self.status = status
        self.hang = False
        self.fail_first = 0
        self.received: list[Received] = []
        self.holding = threading.Event()
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                if owner.hang:
                    owner.holding.set()
                    owner.release.wait(30)
                    return
                status = owner.status
                if owner.fail_first > 0:
                    owner.fail_first -= 1
                    status = 500
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeService:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def endpoint(self, name: str = "sub-1") -> str:
        return f"{self.origin}/push/{name}"


def wait_until(condition, timeout: float = 60.0, step: float = 0.05) -> Any:
    """Poll ``condition`` until it is truthy (its value), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("condition not met in time")


def subscribe(client, subscription: dict[str, Any]):
    """``POST /api/push/subscriptions`` as the settings page sends it."""
    from tests.support import ORIGIN

    return client.post(
        "/api/push/subscriptions",
        content=json.dumps(subscription),
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )

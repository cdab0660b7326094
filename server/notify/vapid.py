"""The VAPID key pair: made once per deployment, kept in the database, shared by every process.

Never in the code and never per process: a browser subscribes with the public key, and
a push signed by any other key is refused, so every process must sign with the same one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from server.system import service as system

KEY_NAME = "vapid_private_key"


@dataclass(frozen=True)
class Keys:
    """The deployment's VAPID keys."""

    signer: Vapid02
    """Signs each push's JWT (pywebpush takes it as it is)."""
    public_key: str
    """The application server key browsers subscribe with (base64url, uncompressed point)."""


def _new_private_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


_kept: dict[str, Keys] = {}


async def keys() -> Keys:
    """The deployment's keys, created in the database the first time any process asks."""
    pem = await system.get_or_create(KEY_NAME, _new_private_pem)
    kept = _kept.get(pem)
    if kept is None:
        signer = Vapid02.from_pem(pem.encode())
        point = signer.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        kept = _kept[pem] = Keys(signer, base64.urlsafe_b64encode(point).decode().rstrip("="))
    return kept

"""Argon2id hashes of passwords and PINs, computed off the event loop.

One hash takes tens of milliseconds of CPU and 64 MiB: on the loop, thirty
logins at once stall every other request. They run in a small pool of threads
instead (argon2 releases the GIL), as many as the machine has cores, so a burst
of logins queues for CPU rather than for memory.
"""

from __future__ import annotations

import asyncio
import functools
import os
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from server.settings import Settings

_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="argon2")


@functools.cache
def _hasher() -> PasswordHasher:
    """The hasher with the deployment's cost (read at first use; a hash stored with another
    cost still verifies, with the cost it was made with)."""
    settings = Settings.from_env()
    return PasswordHasher(
        time_cost=settings.password_time_cost, memory_cost=settings.password_memory_kib
    )


@functools.cache
def dummy_hash() -> str:
    """A hash to verify against, so a login for an unknown name is as slow as a real one
    (made at first use: at import it would cost every process start a hash)."""
    return _hasher().hash("doorstep-timing-equaliser")


async def hash_secret(secret: str) -> str:
    """An Argon2id hash of ``secret`` (a password or a PIN)."""
    return await asyncio.get_running_loop().run_in_executor(_pool, _hasher().hash, secret)


def _verify(hashed: str | None, secret: str) -> bool:
    try:
        return _hasher().verify(hashed or dummy_hash(), secret) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_secret(hashed: str | None, secret: str) -> bool:
    """True when ``secret`` matches ``hashed``; None (no such account) is as slow, and False."""
    return await asyncio.get_running_loop().run_in_executor(_pool, _verify, hashed, secret)

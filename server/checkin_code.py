"""Check-in codes: what proves a volunteer saw the venue's screen or poster.

Each activity has a secret key made by the server (``attendance.tables.CheckinKey``).
Volunteers' phones never hold it; a team leader's phone pulls the keys of the team's
activities and shows a code that changes every minute, computed on the phone with no
network (``web/static/checkin-code.js``, the same derivation). A printed poster carries
a code that never changes, derived apart so one never reveals the other:

- rotating: HMAC-SHA256(key, ``"minute:<n>"``), ``n`` the minutes since the Unix epoch;
- poster: HMAC-SHA256(key, ``"poster"``);

each truncated as HOTP does (RFC 4226 §5.3) to ``DIGITS`` decimal digits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

DIGITS = 6
STEP_SECONDS = 60
SEARCH_MINUTES = 24 * 60
"""How far from a check-in's time a rotating code is looked for (a match further away is
as good as a wrong code)."""


def new_key() -> str:
    """A fresh activity key (256 bits, hex)."""
    return secrets.token_hex(32)


def minute_of(moment: dt.datetime) -> int:
    """The minute counter at ``moment``."""
    return int(moment.timestamp() // STEP_SECONDS)


def _truncate(digest: bytes) -> str:
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def _code(key: str, message: str) -> str:
    return _truncate(hmac.new(bytes.fromhex(key), message.encode(), hashlib.sha256).digest())


def rotating_code(key: str, minute: int) -> str:
    """The code the leader's screen shows during ``minute``."""
    return _code(key, f"minute:{minute}")


def poster_code(key: str) -> str:
    """The printed poster's code (it never changes)."""
    return _code(key, "poster")


def find(key: str, code: str, around: dt.datetime) -> str | int | None:
    """What ``code`` is: ``"poster"``, the minute whose rotating code it is (the nearest to
    ``around`` within ``SEARCH_MINUTES``), or None (wrong or forged)."""
    if not (len(code) == DIGITS and code.isascii() and code.isdigit()):
        return None
    if hmac.compare_digest(code, poster_code(key)):
        return "poster"
    centre = minute_of(around)
    for distance in range(SEARCH_MINUTES + 1):
        for minute in {centre - distance, centre + distance}:
            if hmac.compare_digest(code, rotating_code(key, minute)):
                return minute
    return None

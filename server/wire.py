"""What phones send, whatever the feature: their times and their text."""

from __future__ import annotations

import datetime as dt

NO_NUL = "^[^\x00]*$"
"""Text PostgreSQL can store: no NUL character."""

EARLIEST, LATEST = 1900, 2999
"""Years a time may fall in: far beyond any real entry, far inside what date arithmetic
(a visit 60 days before its save) and the databases take."""


def parse_time(value: str) -> dt.datetime | None:
    """An RFC 3339 time with an offset, in years ``EARLIEST``..``LATEST``, else None.

    A broken phone clock sends ``0001-01-01T00:00:00+00:00`` or
    ``9999-12-31T23:59:59-23:59``; those are ``bad_time``, never an overflow.
    """
    try:
        parsed = dt.datetime.fromisoformat(value)
        utc = parsed.astimezone(dt.UTC) if parsed.tzinfo is not None else None
    except (TypeError, ValueError, OverflowError):
        return None
    if utc is None or not EARLIEST <= utc.year <= LATEST:
        return None
    return parsed

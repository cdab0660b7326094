"""``check_out`` (schema 1): a person checking out at an activity (签退), by scanning the
leader's rotating QR code or the poster, typing the code under it, or ticked by their team
leader. The shared checks are in ``attendance_mark``; the counting in
``server/attendance/hours.py``.
"""

from __future__ import annotations

from piccolo.columns import Float, ForeignKey, Timestamptz
from piccolo.table import Table

from server.accounts.tables import Account
from server.activities.tables import Activity
from server.entries.kinds.attendance_mark import (
    CORRECTIONS,
    MESSAGES,
    MarkV1,
    prepare_mark,
    sample,
)
from server.entries.kinds.base import Kind
from server.entries.tables import Entry


class CheckOut(Table):
    """A stored check-out; its flags are the entry's."""

    entry = ForeignKey(references=Entry, unique=True)
    activity = ForeignKey(references=Activity, index=True)
    person = ForeignKey(references=Account, index=True)
    """Who checked out (a team member when a leader recorded it)."""
    recorded_by = ForeignKey(references=Account)
    at = Timestamptz(index=True)
    """The device time corrected by the device's measured clock offset."""
    lat = Float(null=True, default=None)
    lon = Float(null=True, default=None)


SAMPLE = sample("check_out", "6c2f1d9b-3a5e-4f7c-8b8d-2e4f60819203")

KIND = Kind(
    "check_out",
    1,
    MarkV1,
    prepare_mark(CheckOut),
    MESSAGES,
    SAMPLE,
    corrections=CORRECTIONS,
)

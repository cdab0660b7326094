"""Check-in keys and coordinators' changes to attendance (the marks themselves are entries:
``server/entries/kinds/check_in.py``, ``check_out.py``)."""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.activities.tables import Activity


class CheckinKey(Table):
    """An activity's secret check-in key (``server.checkin_code``). Only the
    server and the phones of the leaders the activity is for hold it."""

    activity = ForeignKey(references=Activity, unique=True)
    secret = Varchar(length=64)
    """256 bits, hex."""
    created_at = Timestamptz(default=TimestamptzNow())


class AttendanceChange(Table):
    """A coordinator's change to one person's attendance at one activity: confirming it,
    setting its verified minutes, or adding 补录 (make-up) minutes with a reason. Each is
    also in the audit log; the latest of each person's changes stands for verified minutes
    and confirmation, make-up minutes add up."""

    activity = ForeignKey(references=Activity, index=True)
    person = ForeignKey(references=Account, index=True)
    verified_minutes = Integer(null=True, default=None)
    makeup_minutes = Integer(default=0)
    confirmed = Boolean(default=False)
    reason = Text(default="")
    changed_by = ForeignKey(references=Account)
    changed_at = Timestamptz(default=TimestamptzNow())

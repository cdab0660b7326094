"""Notices (通知) a coordinator sends, and each recipient's copy of one."""

from piccolo.columns import Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class Notice(Table):
    """A notice to a team, an area or everyone a coordinator looks after."""

    author = ForeignKey(references=Account, null=True)
    title = Varchar(length=100)
    body = Text(default="")
    urgent = Boolean(default=False)
    """Urgent notices also go by SMS to those who opted in (when a gateway is set)."""
    audience = Varchar(length=8)
    """``team``, ``area`` or ``all`` (everyone the author looks after)."""
    audience_id = Integer(null=True, default=None)
    """The team's or the area's id; null for ``all``."""
    audience_name = Varchar(length=100, default="")
    """The team's or the area's name when it was sent, for the coordinator's list."""
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class NoticeRecipient(Table):
    """One recipient's copy: when their phone pulled it, and when they read it."""

    notice = ForeignKey(references=Notice, index=True)
    account = ForeignKey(references=Account, index=True)
    delivered_at = Timestamptz(null=True, default=None)
    """First pulled by a phone of the recipient (or shown to them online)."""
    read_at = Timestamptz(null=True, default=None)
    """From the recipient's ``notice_read`` entry (the phone's time of reading)."""

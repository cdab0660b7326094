"""Follow-up items opened by visits, and the notes coordinators add to them."""

from piccolo.columns import ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.entries.tables import Entry
from server.households.tables import Household


class FollowUp(Table):
    """One thing a household needs followed up, open until a coordinator closes it.

    A visit opens one per need area it records as urgent (急需) and one (``area`` =
    ``follow_up``) when it asks for follow-up, unless the household already has that
    item open. A later visit recording the area as resolved only proposes closing it.
    """

    household = ForeignKey(references=Household, index=True)
    area = Varchar(length=16)
    """``health``, ``training``, ``livelihood``, ``work_school`` or ``follow_up``."""
    note = Text(default="")
    """What the visit said (the need's note or the follow-up note)."""
    opened_by = ForeignKey(references=Entry, index=True)
    """The visit that reported it."""
    reported_by = ForeignKey(references=Account)
    reported_at = Timestamptz(index=True)
    """When that visit took place."""
    status = Varchar(length=8, default="open", index=True)
    """``open`` or ``closed``."""
    assignee = ForeignKey(references=Account, null=True)
    """The volunteer it is handed to, if any."""
    partner = Varchar(length=100, default="")
    """A partner it is handed to (a hospital, a township office), free text."""
    proposed_by = ForeignKey(references=Entry, null=True)
    """A later visit that recorded this area as resolved: a proposal to close, not a close."""
    proposed_at = Timestamptz(null=True, default=None)
    closed_by = ForeignKey(references=Account, null=True)
    closed_at = Timestamptz(null=True, default=None)
    outcome = Text(default="")
    """What was done, written when it is closed."""
    withdrawn_by = ForeignKey(references=Entry, null=True, default=None)
    """The correction that took back (or voided) the visit's report: closed without a
    coordinator, as the corrected values no longer ask for it."""
    created_at = Timestamptz(default=TimestamptzNow())


class FollowUpNote(Table):
    """A note a coordinator adds to a follow-up item."""

    follow_up = ForeignKey(references=FollowUp, index=True)
    author = ForeignKey(references=Account)
    text = Text()
    at = Timestamptz(default=TimestamptzNow())

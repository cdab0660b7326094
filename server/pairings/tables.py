"""Pairings of volunteers with households (结对), with when each began and ended."""

from piccolo.columns import ForeignKey, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account
from server.households.tables import Household


class Pairing(Table):
    """A volunteer paired with a household (结对) from ``started_at`` until ``ended_at``."""

    volunteer = ForeignKey(references=Account, index=True)
    household = ForeignKey(references=Household, index=True)
    started_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)

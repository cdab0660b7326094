"""Areas (county, township, village) and volunteer teams."""

from piccolo.columns import Boolean, ForeignKey, Varchar
from piccolo.table import Table


class Area(Table):
    """A county-level unit, a township or a village, as a tree."""

    name = Varchar(length=100)
    level = Varchar(length=16)
    """``county``, ``township`` or ``village``."""
    parent = ForeignKey(references="self", null=True)
    path = Varchar(length=255, index=True)
    """The ids from the root down, e.g. ``/3/17/52/``: a prefix test finds a subtree."""
    retired = Boolean(default=False)


class Team(Table):
    """A volunteer team, led by one or more team leaders."""

    name = Varchar(length=100, unique=True)
    area = ForeignKey(references=Area, null=True)
    retired = Boolean(default=False)

"""The entry kinds the review lists show, each by the table its entries write.

A new kind plugs in with one line here: its table (with ``entry``), the indexed time of
the event, and the column chains to its place (an area path, for the scope rule) and
its place's name. Columns are made per query (Piccolo's joined columns are not shared).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from server.entries.kinds.check_in import CheckIn
from server.entries.kinds.check_out import CheckOut
from server.entries.kinds.visit import Visit
from server.i18n import N_


@dataclass(frozen=True)
class Reviewed:
    """How the review lists read one kind's entries."""

    kind: str
    label: str
    """Its name on the page (a msgid)."""
    table: type[Table]
    time: Callable[[], Any]
    """When it happened (indexed: the lists page by it)."""
    place: Callable[[], Any]
    """The area path it belongs to (what the scope rule and the area filter test)."""
    where: Callable[[], Any]
    """What the list shows as its place (a household, an activity)."""


REVIEWED = (
    Reviewed(
        "visit",
        N_("Visit"),
        Visit,
        lambda: Visit.visited_at,
        lambda: Visit.household.village.path,
        lambda: Visit.household.head_name,
    ),
    Reviewed(
        "check_in",
        N_("Check-in"),
        CheckIn,
        lambda: CheckIn.at,
        lambda: CheckIn.activity.area.path,
        lambda: CheckIn.activity.title,
    ),
    Reviewed(
        "check_out",
        N_("Check-out"),
        CheckOut,
        lambda: CheckOut.at,
        lambda: CheckOut.activity.area.path,
        lambda: CheckOut.activity.title,
    ),
)
"""Every kind the lists show, in the order the kind filter offers them."""
BY_KIND = {r.kind: r for r in REVIEWED}

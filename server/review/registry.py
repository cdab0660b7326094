"""The entry kinds the review lists show, each by the table its entries write.

A new kind plugs in with one line here: its table (with ``entry``), the time of the
event, and the column chains to its place (an area path, for the scope rule) and the
names the list shows. Columns are made per query (Piccolo's joined columns are not
shared). A kind may read from more than one source: a supply handout to a household
belongs to the household's village, one to a group to its volunteer's team's area
(as its files do, ``scope.sees_entry_files``).

Every kind a phone or a form stores for a coordinator to look at is listed; a
``correction`` writes its new values into the rows of the kind it corrects, so it is
seen there (and in the chain of the entry it corrects), never as a kind of its own. A
``notice_read`` is nothing to review. A ``household_patch`` is read from its own row
(household and time); what it changed is in its body and the household's versions, and
its conflicts also have their own page, 冲突.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from server.activities.tables import ActivitySignup
from server.entries.kinds.check_in import CheckIn
from server.entries.kinds.check_out import CheckOut
from server.entries.kinds.household_patch import HouseholdPatch
from server.entries.kinds.medicine_delivery import MedicineDelivery
from server.entries.kinds.purchase import Purchase
from server.entries.kinds.supply_handout import SupplyHandout
from server.entries.kinds.training_count import TrainingCount
from server.entries.kinds.visit import Visit
from server.i18n import N_


@dataclass(frozen=True)
class Reviewed:
    """How the review lists read one kind's entries (or one source of them)."""

    kind: str
    label: str
    """Its name on the page (a msgid)."""
    table: type[Table]
    time: Callable[[], Any]
    """When it happened (the lists page by it and the date filters test it)."""
    place: Callable[[], Any]
    """The area path it belongs to (what the scope rule and the area filter test)."""
    where: Callable[[], Any]
    """What the list shows as its place (a household, an activity, a group's place)."""
    area: Callable[[], Any]
    """The name of the area it belongs to (a village, an activity's area)."""
    only: Callable[[], Any] | None = None
    """Which of the table's rows this source reads (None: all)."""


def _household(
    kind: str, label: str, table: Any, time: Callable[[], Any], only: Any = None
) -> Reviewed:
    """A kind about a household: its village's path and name, its head's name."""
    return Reviewed(
        kind,
        label,
        table,
        time,
        lambda: table.household.village.path,
        lambda: table.household.head_name,
        lambda: table.household.village.name,
        only,
    )


def _activity(kind: str, label: str, table: Any, time: Callable[[], Any]) -> Reviewed:
    """A kind about an activity: its area's path and name, its title."""
    return Reviewed(
        kind,
        label,
        table,
        time,
        lambda: table.activity.area.path,
        lambda: table.activity.title,
        lambda: table.activity.area.name,
    )


SOURCES = (
    _household("visit", N_("Visit"), Visit, lambda: Visit.visited_at),
    _household(
        "medicine_delivery",
        N_("Medicine delivery"),
        MedicineDelivery,
        lambda: MedicineDelivery.delivered_at,
    ),
    _household(
        "supply_handout",
        N_("Supply handout"),
        SupplyHandout,
        lambda: SupplyHandout.handed_at,
        lambda: SupplyHandout.household.is_not_null(),
    ),
    Reviewed(
        "supply_handout",
        N_("Supply handout"),
        SupplyHandout,
        lambda: SupplyHandout.handed_at,
        lambda: SupplyHandout.volunteer.team.area.path,
        lambda: SupplyHandout.place,
        lambda: SupplyHandout.volunteer.team.area.name,
        lambda: SupplyHandout.household.is_null(),
    ),
    _household("purchase", N_("Purchase"), Purchase, lambda: Purchase.bought_at),
    _household(
        "household_patch", N_("Household edit"), HouseholdPatch, lambda: HouseholdPatch.edited_at
    ),
    _activity("check_in", N_("Check-in"), CheckIn, lambda: CheckIn.at),
    _activity("check_out", N_("Check-out"), CheckOut, lambda: CheckOut.at),
    # A sign-up happens when it reaches the server: that decides its place in the queue.
    _activity(
        "activity_signup",
        N_("Activity sign-up"),
        ActivitySignup,
        lambda: ActivitySignup.entry.received_at,
    ),
    _activity(
        "training_count",
        N_("Training count"),
        TrainingCount,
        lambda: TrainingCount.activity.starts_at,
    ),
)
"""Every source the lists read, in the order the kind filter offers their kinds."""
REVIEWED = tuple(s for n, s in enumerate(SOURCES) if s.kind not in {t.kind for t in SOURCES[:n]})
"""One source per kind (its label for the kind filter), in the order of ``SOURCES``."""
BY_KIND: dict[str, tuple[Reviewed, ...]] = {
    r.kind: tuple(s for s in SOURCES if s.kind == r.kind) for r in REVIEWED
}
"""The sources of each kind."""
LABELS = {r.kind: r.label for r in REVIEWED}
"""Each kind's name on the page (a msgid)."""

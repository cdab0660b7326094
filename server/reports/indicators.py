"""What the dashboard counts: each indicator's name, its definition as the Red Cross reports
it (DESIGN §7: 户 vs 户次, 人 vs 人次, 服务时长), and the list its records are in.

The counting itself is ``counting.py``; these are the words beside the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from server.i18n import N_


@dataclass(frozen=True)
class Indicator:
    """One column of the dashboard."""

    key: str
    label: str
    """Its name (a msgid)."""
    definition: str
    """What exactly it counts (a msgid), shown beside it."""
    section: str
    """The programme it belongs to (a msgid)."""
    kind: str = ""
    """The entry kind its records are (a review list filter); empty: not entries."""
    unit: str = "count"
    """``count``, ``yuan`` (stored in whole fen) or ``hours`` (stored in minutes)."""
    additive: bool = True
    """Rows per area add up to the total (each record lies in one area). People counted
    once across areas (人) do not."""


VISITS = N_("Visits (走访)")
NEEDS = N_("Needs found")
FOLLOW_UPS = N_("Follow-ups")
MEDICINE = N_("Medicine (送医送药)")
SUPPLIES = N_("Supplies (博爱送万家, 结对帮扶)")
PURCHASES = N_("Purchases (消费扶贫)")
ACTIVITIES = N_("Activities and service hours")
TRAINING = N_("First-aid training (应急救护培训)")
VOLUNTEERS = N_("Volunteers")

NEED_AREAS = (
    ("health", N_("Health needs (户)")),
    ("training", N_("Job-training needs (户)")),
    ("livelihood", N_("Livelihood needs (户)")),
    ("work_school", N_("Work and school needs (户)")),
)
TRAINING_CATEGORIES = ("trainer", "first_aider", "public")

_NEED = N_("Households (户) whose visits in the period recorded this need (some or urgent).")
_TRAINEES = N_(
    "人: distinct trainees (a name with its phone) plus crowds counted by head; 人次: every "
    "trainee listed at every training held in the period, plus those crowds."
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "households_visited",
        N_("Households visited (户)"),
        N_("Distinct households with at least one visit in the period."),
        VISITS,
        "visit",
    ),
    Indicator(
        "visits",
        N_("Visits (户次)"),
        N_("Visits in the period; a visit by volunteers together is one visit."),
        VISITS,
        "visit",
    ),
    *(Indicator(f"need_{key}", label, _NEED, NEEDS, "visit") for key, label in NEED_AREAS),
    Indicator(
        "urgent",
        N_("Urgent needs (户)"),
        N_("Households whose visits in the period recorded at least one urgent need."),
        NEEDS,
        "visit",
    ),
    Indicator(
        "follow_ups_open",
        N_("Follow-ups open"),
        N_("Follow-up items reported in the period that are still open."),
        FOLLOW_UPS,
    ),
    Indicator(
        "follow_ups_closed",
        N_("Follow-ups closed"),
        N_("Follow-up items reported in the period that have been closed."),
        FOLLOW_UPS,
    ),
    Indicator(
        "medicine_deliveries",
        N_("Medicine deliveries (次)"),
        N_("Medicine deliveries made in the period."),
        MEDICINE,
        "medicine_delivery",
    ),
    Indicator(
        "medicine_items",
        N_("Medicines delivered (品种次)"),
        N_("One per medicine per delivery, whatever its quantity."),
        MEDICINE,
        "medicine_delivery",
    ),
    Indicator(
        "medicine_households",
        N_("Households reached (户)"),
        N_("Distinct households that received medicine in the period."),
        MEDICINE,
        "medicine_delivery",
    ),
    Indicator(
        "supply_handouts",
        N_("Supply handouts (次)"),
        N_("Handouts of supplies in the period, to a household or to a group."),
        SUPPLIES,
        "supply_handout",
    ),
    Indicator(
        "supply_households",
        N_("Households given supplies (户)"),
        N_("Distinct households handed supplies in the period (groups not included)."),
        SUPPLIES,
        "supply_handout",
    ),
    Indicator(
        "supply_group_people",
        N_("People in groups (人次)"),
        N_("The people of the groups supplies were handed to, as each handout counted them."),
        SUPPLIES,
        "supply_handout",
    ),
    Indicator(
        "purchases",
        N_("Purchases (次)"),
        N_("Purchases of produce from households in the period."),
        PURCHASES,
        "purchase",
    ),
    Indicator(
        "purchase_amount",
        N_("Amount (元)"),
        N_("What was paid for that produce, in yuan (kept in whole fen)."),
        PURCHASES,
        "purchase",
        unit="yuan",
    ),
    Indicator(
        "purchase_households",
        N_("Households sold to us (户)"),
        N_("Distinct households produce was bought from in the period."),
        PURCHASES,
        "purchase",
    ),
    Indicator(
        "activities_held",
        N_("Activities held"),
        N_(
            "Activities that started in the period and up to now, not cancelled and not "
            "marked as not held."
        ),
        ACTIVITIES,
    ),
    Indicator(
        "attendance_people",
        N_("Attendance (人)"),
        N_("Distinct people checked in at activities held in the period."),
        ACTIVITIES,
        "check_in",
        additive=False,
    ),
    Indicator(
        "attendance_times",
        N_("Attendance (人次)"),
        N_("One per person per activity held in the period; checking in twice counts once."),
        ACTIVITIES,
        "check_in",
    ),
    Indicator(
        "hours_verified",
        N_("Service hours, verified"),
        N_(
            "Check-in to check-out, clipped to the activity's time, at activities that count "
            "as volunteer service; travel not included."
        ),
        ACTIVITIES,
        "check_in",
        unit="hours",
    ),
    Indicator(
        "hours_makeup",
        N_("Service hours, make-up (补录)"),
        N_("Time added afterwards by a coordinator (audited), never beyond the activity's time."),
        ACTIVITIES,
        "check_in",
        unit="hours",
    ),
    *(
        Indicator(key, label, _TRAINEES, TRAINING, "training_count", additive=key[-6:] != "people")
        for key, label in (
            ("trainer_people", N_("Trainers, 救护师资 (人)")),
            ("trainer_times", N_("Trainers, 救护师资 (人次)")),
            ("first_aider_people", N_("First-aiders, 救护员 (人)")),
            ("first_aider_times", N_("First-aiders, 救护员 (人次)")),
            ("public_people", N_("Public, 普及培训 (人)")),
            ("public_times", N_("Public, 普及培训 (人次)")),
        )
    ),
    Indicator(
        "volunteers",
        N_("Registered volunteers (人)"),
        N_("Active volunteer and team-leader accounts of the teams here, at the period's end."),
        VOLUNTEERS,
    ),
    Indicator(
        "volunteers_20h",
        N_("Over 20 hours this year (人)"),
        N_(
            "Of those, the volunteers with at least 20 service hours (verified and make-up) "
            "in the year the period ends in: the mark of a registered Red Cross volunteer."
        ),
        VOLUNTEERS,
    ),
)
OCCASIONS = {
    "pairing": N_("Pairing (结对帮扶)"),
    "new_year": N_("New Year (博爱送万家)"),
    "disaster": N_("Disaster relief (救灾)"),
    "other": N_("Other"),
}
"""A supply handout's occasion as the page names it."""
BY_KEY = {i.key: i for i in INDICATORS}
SECTIONS = tuple(dict.fromkeys(i.section for i in INDICATORS))
"""The programmes in the order the page shows them."""


def written(indicator: Indicator, value: int) -> str:
    """A number as the page writes it: yuan from fen (exact), hours from minutes."""
    if indicator.unit == "yuan":
        yuan, fen = divmod(value, 100)
        return f"{yuan}.{fen:02d}"
    if indicator.unit == "hours":
        return f"{value / 60:.1f}"
    return str(value)

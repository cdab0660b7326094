"""The one counting module: every Red Cross count of the dashboard, computed in the database.

The rules (DESIGN §7), for every count here:

- each query is grouped in the database (``GROUP BY``, ``COUNT(DISTINCT)``); only the
  grouped numbers come back, never the rows behind them;
- each goes through the one scope rule (``server/scope.py``: ``area_sql`` for the actor's
  areas, ``place_sql`` for the area chosen, ``grouped_sql`` for the rows per area);
- only the latest entry of a correction chain counts (``e.superseded_by IS NULL``, the
  SQL form of ``chains.latest``): a corrected entry counts with its new values, a voided
  one not at all;
- flagged entries (``Entry.flag``, or a household edit's ``conflict``) count, and each
  cell says how many of the entries it counts are flagged;
- 户 is distinct households, 户次 visits (a visit by volunteers together is one entry,
  its companions listed in it, so it is one visit); 人 is distinct people, 人次 one per
  person per activity; service time comes from ``server/attendance`` (``people.py``).

An event counts on the local date it happened: the period's bounds are local midnights.
Rows are the areas one level below the chosen area (records of the chosen area itself go
to a row of their own), or teams (entries by their author's team).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from server import scope
from server.accounts.tables import Account
from server.activities.tables import Activity
from server.actor import Actor, now
from server.areas.tables import Area, Team
from server.catalogues.tables import CatalogueItem
from server.db import fetch
from server.entries.kinds.medicine_delivery import MedicineDelivery, MedicineDeliveryItem
from server.entries.kinds.purchase import Purchase
from server.entries.kinds.supply_handout import SupplyHandout, SupplyHandoutItem
from server.entries.kinds.training_count import TrainingCount, TrainingTrainee
from server.entries.kinds.visit import Visit
from server.entries.tables import Entry
from server.followups.tables import FollowUp
from server.households.tables import Household
from server.reports.indicators import TRAINING_CATEGORIES
from server.reports.period import Period

BY = ("area", "team")
REST = 0
"""The row of records not under any row's area (the chosen area's own), or by no team."""
FLAGGED = "(e.flag <> '' OR e.status = 'conflict')"

(ENTRY, VISIT, HOUSEHOLD, AREA, ACCOUNT, TEAM, ACTIVITY, FOLLOW_UP, CATALOGUE_ITEM) = (
    t._meta.tablename
    for t in (Entry, Visit, Household, Area, Account, Team, Activity, FollowUp, CatalogueItem)
)
MEDICINE, MEDICINE_ITEM, SUPPLY, SUPPLY_ITEM, PURCHASE, TRAINEE, HEADCOUNT = (
    t._meta.tablename
    for t in (
        MedicineDelivery,
        MedicineDeliveryItem,
        SupplyHandout,
        SupplyHandoutItem,
        Purchase,
        TrainingTrainee,
        TrainingCount,
    )
)


@dataclass
class Cell:
    """One number of the dashboard, and how many of the entries behind it are flagged."""

    value: int = 0
    flagged: int = 0


Cells = dict[str, Cell]


@dataclass(frozen=True)
class Grouping:
    """How a report's rows are made: per area (``areas``: id and path) or per team."""

    by: str
    place: int | None
    """The area chosen (every count lies under it); None: all of the actor's areas."""
    areas: tuple[tuple[int, str], ...] = ()

    def key(self, path: str, team: str) -> tuple[str, list[Any]]:
        """The SQL of a record's row, given its area path and its team (SQL expressions)."""
        if self.by == "team":
            return f"COALESCE({team}, {REST})", []
        return scope.grouped_sql(path, list(self.areas), REST)


@dataclass(frozen=True)
class Source:
    """Where one group of counts comes from: a kind's table joined to its entry (``e``) and
    its place, when each record happened, and the aggregates it gives (SQL, without
    arguments) with the count of flagged entries behind each."""

    tables: str
    place: str
    """The record's area path (SQL)."""
    time: str
    team: str
    """The record's team (SQL): the author's for entries."""
    counts: dict[str, tuple[str, str]]
    """Indicator key: (value SQL, flagged SQL; "0" when it counts no entries)."""
    latest: bool = True
    """False when it reads no entries (follow-ups, activities, accounts)."""
    extra: str = ""
    """More conditions (SQL) with ``{}`` arguments ``extra_args`` gives."""
    until_only: bool = False
    """Counts what exists at the period's end (accounts) instead of what happened in it."""


def _flagged_when(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} AND {FLAGGED} THEN 1 ELSE 0 END)"


ALL_FLAGGED = f"SUM(CASE WHEN {FLAGGED} THEN 1 ELSE 0 END)"
ENTRY_PLACE = (
    f'JOIN "{ENTRY}" e ON e.id = {{}}.entry JOIN "{HOUSEHOLD}" h ON h.id = {{}}.household '
    f'JOIN "{AREA}" a ON a.id = h.village'
)
AUTHOR = f'JOIN "{ACCOUNT}" u ON u.id = e.account'


def _household_kind(
    table: str, alias: str, time: str, counts: dict[str, tuple[str, str]]
) -> Source:
    joins = ENTRY_PLACE.replace("{}", alias)
    return Source(f'"{table}" {alias} {joins} {AUTHOR}', "a.path", time, "u.team", counts)


MEDICINES = _household_kind(
    MEDICINE,
    "m",
    "m.delivered_at",
    {
        "medicine_deliveries": ("COUNT(*)", ALL_FLAGGED),
        "medicine_households": ("COUNT(DISTINCT m.household)", ALL_FLAGGED),
    },
)
MEDICINE_ITEMS = Source(
    f'"{MEDICINE_ITEM}" i JOIN "{MEDICINE}" m ON m.entry = i.entry '
    + ENTRY_PLACE.replace("{}", "m")
    + f" {AUTHOR}",
    "a.path",
    "m.delivered_at",
    "u.team",
    {"medicine_items": ("COUNT(*)", ALL_FLAGGED)},
)
PURCHASES = _household_kind(
    PURCHASE,
    "p",
    "p.bought_at",
    {
        "purchases": ("COUNT(*)", ALL_FLAGGED),
        "purchase_amount": ("SUM(p.amount_fen)", ALL_FLAGGED),
        "purchase_households": ("COUNT(DISTINCT p.household)", ALL_FLAGGED),
    },
)
SUPPLY_TABLES = (
    f'"{SUPPLY}" s JOIN "{ENTRY}" e ON e.id = s.entry {AUTHOR} '
    f'LEFT JOIN "{TEAM}" ut ON ut.id = u.team LEFT JOIN "{AREA}" ua ON ua.id = ut.area '
    f'LEFT JOIN "{HOUSEHOLD}" h ON h.id = s.household LEFT JOIN "{AREA}" a ON a.id = h.village'
)
SUPPLY_PLACE = "COALESCE(a.path, ua.path)"
"""A handout's place: its household's village, or (to a group) its author's team's area."""
SUPPLIES = Source(
    SUPPLY_TABLES,
    SUPPLY_PLACE,
    "s.handed_at",
    "u.team",
    {
        "supply_handouts": ("COUNT(*)", ALL_FLAGGED),
        "supply_households": (
            "COUNT(DISTINCT s.household)",
            _flagged_when("s.household IS NOT NULL"),
        ),
        "supply_group_people": (
            "SUM(COALESCE(s.people, 0))",
            _flagged_when("s.people IS NOT NULL"),
        ),
    },
)
FOLLOW_UPS = Source(
    f'"{FOLLOW_UP}" f JOIN "{HOUSEHOLD}" h ON h.id = f.household '
    f'JOIN "{AREA}" a ON a.id = h.village JOIN "{ACCOUNT}" u ON u.id = f.reported_by',
    "a.path",
    "f.reported_at",
    "u.team",
    {
        "follow_ups_open": ("SUM(CASE WHEN f.status = 'open' THEN 1 ELSE 0 END)", "0"),
        "follow_ups_closed": ("SUM(CASE WHEN f.status = 'closed' THEN 1 ELSE 0 END)", "0"),
    },
    latest=False,
)
HELD = "act.status = 'planned'"
"""Activities that count: neither cancelled nor marked as not held."""
ACTIVITIES = Source(
    f'"{ACTIVITY}" act JOIN "{AREA}" a ON a.id = act.area',
    "a.path",
    "act.starts_at",
    "act.team",
    {"activities_held": ("COUNT(*)", "0")},
    latest=False,
    extra=f"{HELD} AND act.starts_at <= {{}}",
)
_AT_TRAINING = (
    f'JOIN "{ENTRY}" e ON e.id = {{0}}.entry {AUTHOR} '
    f'JOIN "{ACTIVITY}" act ON act.id = {{0}}.activity JOIN "{AREA}" a ON a.id = act.area'
)
TRAINEES = Source(
    f'"{TRAINEE}" tt ' + _AT_TRAINING.format("tt"),
    "a.path",
    "act.starts_at",
    "u.team",
    {
        **{
            f"{c}_times": (
                f"SUM(CASE WHEN tt.category = '{c}' THEN 1 ELSE 0 END)",
                _flagged_when(f"tt.category = '{c}'"),
            )
            for c in TRAINING_CATEGORIES
        },
        **{
            f"{c}_people": (
                f"COUNT(DISTINCT CASE WHEN tt.category = '{c}' "
                "THEN tt.name || '|' || tt.phone END)",
                _flagged_when(f"tt.category = '{c}'"),
            )
            for c in TRAINING_CATEGORIES
        },
    },
    extra=HELD,
)
HEADCOUNTS = Source(
    f'"{HEADCOUNT}" tc ' + _AT_TRAINING.format("tc"),
    "a.path",
    "act.starts_at",
    "u.team",
    {
        f"{c}_{measure}": (
            f"SUM(CASE WHEN tc.category = '{c}' THEN tc.headcount ELSE 0 END)",
            _flagged_when(f"tc.category = '{c}'"),
        )
        for c in TRAINING_CATEGORIES
        for measure in ("people", "times")
    },
    extra=HELD,
)
VOLUNTEERS = Source(
    f'"{ACCOUNT}" u JOIN "{TEAM}" t ON t.id = u.team JOIN "{AREA}" a ON a.id = t.area',
    "a.path",
    "u.created_at",
    "u.team",
    {"volunteers": ("COUNT(*)", "0")},
    latest=False,
    extra="u.role IN ('volunteer', 'leader') AND u.active = {}",
    until_only=True,
)
SOURCES = (
    MEDICINES,
    MEDICINE_ITEMS,
    SUPPLIES,
    PURCHASES,
    FOLLOW_UPS,
    ACTIVITIES,
    TRAINEES,
    HEADCOUNTS,
    VOLUNTEERS,
)


def _extra_args(source: Source) -> list[Any]:
    if source is ACTIVITIES:
        return [now()]
    if source is VOLUNTEERS:
        return [True]
    return []


async def where(
    actor: Actor, source: Source, grouping: Grouping, period: Period
) -> tuple[str, list[Any]]:
    """The conditions every count of ``source`` takes: latest entries, the period, the
    actor's areas, the area chosen."""
    own, own_args = scope.area_sql(actor, source.place)
    chosen, chosen_args = await scope.place_sql(actor, source.place, grouping.place)
    parts = [own, chosen]
    args: list[Any] = [*own_args, *chosen_args]
    if source.latest:
        parts.append("e.superseded_by IS NULL")
    if source.until_only:
        parts.append(f"{source.time} < {{}}")
        args.append(period.end)
    else:
        parts.append(f"{source.time} >= {{}} AND {source.time} < {{}}")
        args += [period.start, period.end]
    if source.extra:
        parts.append(source.extra)
        args += _extra_args(source)
    return " AND ".join(parts), args


async def grouped(
    actor: Actor,
    source: Source,
    grouping: Grouping,
    period: Period,
    key: tuple[str, list[Any]] | None,
) -> dict[int, Cells]:
    """``source``'s counts per row (``key``: the row SQL), or in all (``key`` None)."""
    conditions, args = await where(actor, source, grouping, period)
    columns = ", ".join(
        f"{value} AS {name}, {flagged} AS {name}__f"
        for name, (value, flagged) in source.counts.items()
    )
    head, head_args = key if key is not None else (str(REST), [])
    tail = " GROUP BY 1" if key is not None else ""
    sql = f"SELECT {head} AS row_key, {columns} FROM {source.tables} WHERE {conditions}{tail}"
    found: dict[int, Cells] = {}
    for row in await fetch(sql, *head_args, *args):
        cells = found.setdefault(int(row["row_key"]), {})
        for name in source.counts:
            cells[name] = Cell(int(row[name] or 0), int(row[f"{name}__f"] or 0))
    return found


def _add(into: dict[int, Cells], found: dict[int, Cells]) -> None:
    for row, cells in found.items():
        target = into.setdefault(row, {})
        for name, cell in cells.items():
            have = target.setdefault(name, Cell())
            have.value += cell.value
            have.flagged += cell.flagged


async def count(actor: Actor, grouping: Grouping, period: Period) -> tuple[dict[int, Cells], Cells]:
    """Every count of the entries (but visits: ``visit_counts``), follow-ups, activities
    and accounts: per row, and in all.

    Rows per area partition the records, so their sum is the total (except for people
    counted once across areas, counted again as a whole); rows per team do not (two teams
    may visit one household), so their total is counted as a whole."""
    rows: dict[int, Cells] = {}
    total: dict[int, Cells] = {}
    for source in SOURCES:
        key = grouping.key(source.place, source.team)
        found = await grouped(actor, source, grouping, period, key)
        _add(rows, found)
        if grouping.by == "area":
            _add(total, {REST: _sum(found)})
        else:
            _add(total, await grouped(actor, source, grouping, period, None))
    return rows, total.get(REST, {})


def _sum(found: dict[int, Cells]) -> Cells:
    summed: Cells = defaultdict(Cell)
    for cells in found.values():
        for name, cell in cells.items():
            summed[name].value += cell.value
            summed[name].flagged += cell.flagged
    return dict(summed)


async def distinct_total(actor: Actor, grouping: Grouping, period: Period) -> Cells:
    """The counts of people (人) across every row, once each: trainees by name and phone."""
    found = await grouped(actor, TRAINEES, grouping, period, None)
    cells = found.get(REST, {})
    heads = (await grouped(actor, HEADCOUNTS, grouping, period, None)).get(REST, {})
    return {
        f"{c}_people": Cell(
            cells.get(f"{c}_people", Cell()).value + heads.get(f"{c}_people", Cell()).value,
            cells.get(f"{c}_people", Cell()).flagged + heads.get(f"{c}_people", Cell()).flagged,
        )
        for c in TRAINING_CATEGORIES
    }

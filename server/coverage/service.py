"""Coverage counted in the database: one GROUP BY per page, whatever the number of households.

A household counts as visited when a visit that counts (not voided) took place in the
last ``days`` days; never visited when it has no such visit at all. Teams and volunteers
are credited with the households paired with them now; a household paired with two
volunteers of one team counts once for the team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from server import scope
from server.accounts.tables import Account
from server.actor import Actor, now
from server.areas.tables import Area, Team
from server.db import fetch
from server.entries.kinds.visit_tally import LastVisit
from server.households.tables import Household
from server.pairings.tables import Pairing

GROUPINGS = ("village", "team", "volunteer")
STATES = ("stale", "never")
"""Drill-down lists: not visited in the period (never visited included), never visited."""
PAGE = 50

H, A, P, U, T = (t._meta.tablename for t in (Household, Area, Pairing, Account, Team))


@dataclass(frozen=True)
class Row:
    """One village, team or volunteer and its households' coverage."""

    id: int
    name: str
    households: int
    visited: int
    never: int
    detail: str = ""
    """The township or team it belongs to."""

    @property
    def not_visited(self) -> int:
        """Households without a visit in the period (never visited included)."""
        return self.households - self.visited

    @property
    def share(self) -> int:
        """The share visited in the period, in whole percent."""
        return round(100 * self.visited / self.households) if self.households else 0


_LAST = "lv.visited_at"
"""A household's last visit that counts (``chains.latest``: the latest entry of a correction
chain, nothing of a voided one), or NULL: kept with the visits (``visit_tally.LastVisit``),
so a page reads one row per household whatever its number of visits."""
LAST_JOIN = f'LEFT JOIN "{LastVisit._meta.tablename}" lv ON lv.household = h.id'

_GROUPED = {
    # key, name, detail (inner), detail (outer), sort
    "village": (
        "a.id",
        "a.name",
        "a.parent",
        f'(SELECT t.name FROM "{A}" t WHERE t.id = x.detail)',
        "a.path",
    ),
    "team": ("t.id", "t.name", "''", "x.detail", "t.name"),
    "volunteer": ("u.id", "u.display_name", "t.name", "x.detail", "t.name"),
}


def _as_time(value: Any) -> dt.datetime | None:
    """A time read with raw SQL (SQLite answers text, PostgreSQL a datetime)."""
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def cutoff(days: int) -> dt.datetime:
    """The start of the period: ``days`` days before now."""
    return now() - dt.timedelta(days=days)


async def _scoped(actor: Actor, place: int | None) -> tuple[str, list[Any]]:
    own, own_args = scope.area_sql(actor, "a.path")
    chosen, chosen_args = await scope.place_sql(actor, "a.path", place)
    return f"{own} AND {chosen}", [*own_args, *chosen_args]


def _source(grouping: str) -> str:
    if grouping == "village":
        return f'FROM "{H}" h {LAST_JOIN} JOIN "{A}" a ON a.id = h.village'
    return (
        f'FROM "{P}" p JOIN "{H}" h ON h.id = p.household {LAST_JOIN} '
        f'JOIN "{A}" a ON a.id = h.village '
        f'JOIN "{U}" u ON u.id = p.volunteer JOIN "{T}" t ON t.id = u.team '
        "WHERE p.ended_at IS NULL AND"
    )


async def rows(actor: Actor, grouping: str, days: int, place: int | None = None) -> list[Row]:
    """Coverage per village, team or volunteer in ``actor``'s areas (or under ``place``)."""
    key, name, inner, detail, order = _GROUPED[grouping]
    where, args = await _scoped(actor, place)
    source = _source(grouping)
    glue = "" if source.endswith("AND") else "WHERE"
    sql = (
        f"SELECT x.id AS id, x.name AS name, {detail} AS detail, "
        "COUNT(DISTINCT x.household) AS households, "
        "COUNT(DISTINCT CASE WHEN x.last >= {} THEN x.household END) AS visited, "
        "COUNT(DISTINCT CASE WHEN x.last IS NULL THEN x.household END) AS never "
        f"FROM (SELECT {key} AS id, {name} AS name, {inner} AS detail, {order} AS sort, "
        f"h.id AS household, {_LAST} AS last {source} {glue} {where}) x "
        "GROUP BY x.id, x.name, x.detail, x.sort ORDER BY x.sort, x.name"
    )
    found = await fetch(sql, cutoff(days), *args)
    return [
        Row(r["id"], r["name"], r["households"], r["visited"], r["never"], r["detail"] or "")
        for r in found
    ]


def totals(found: list[Row]) -> Row:
    """All villages' rows added up (teams and volunteers may share households: not summed)."""
    return Row(
        0,
        "",
        sum(r.households for r in found),
        sum(r.visited for r in found),
        sum(r.never for r in found),
    )


async def households(
    actor: Actor,
    grouping: str,
    group_id: int,
    state: str,
    days: int,
    after_id: int = 0,
    place: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The households of one village, team or volunteer not visited in the period (or
    never visited), under ``place`` if given, by id from ``after_id``; and the id the next
    page starts after (0 on the last page)."""
    where, args = await _scoped(actor, place)
    of = {"village": "a.id", "team": "t.id", "volunteer": "u.id"}[grouping]
    source = _source(grouping)
    glue = "" if source.endswith("AND") else "WHERE"
    wanted = "x.last_visit IS NULL" if state == "never" else "x.last_visit < {}"
    state_args: list[Any] = [] if state == "never" else [cutoff(days)]
    sql = (
        "SELECT x.* FROM (SELECT DISTINCT h.id AS id, h.head_name AS head_name, "
        f"h.code AS code, a.name AS village, {_LAST} AS last_visit "
        f"{source} {glue} {where} AND {of} = {{}} AND h.id > {{}}) x "
        f"WHERE (x.last_visit IS NULL OR {wanted}) ORDER BY x.id LIMIT {PAGE + 1}"
    )
    found = [
        {**row, "last_visit": _as_time(row["last_visit"])}
        for row in await fetch(sql, *args, group_id, after_id, *state_args)
    ]
    more = len(found) > PAGE
    shown = found[:PAGE]
    return shown, (shown[-1]["id"] if more else 0)

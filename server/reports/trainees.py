"""The trainees behind a dashboard count of first-aid trainees (人, 人次) of one category:
every listing at the trainings held in the period, and the crowds counted by head, by the
rules of ``counting`` (its ``TRAINEES`` and ``HEADCOUNTS`` sources and their conditions).
Listings are paged by id; the crowds are few (one per training and category at most)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.actor import Actor
from server.db import fetch
from server.reports import counting
from server.reports.counting import Grouping, Source
from server.reports.indicators import TRAINING_CATEGORIES
from server.reports.period import Period

PAGE = 100


@dataclass(frozen=True)
class Trainees:
    """One page of a category's listings, its crowds, and the two counts."""

    listings: list[dict[str, Any]]
    crowds: list[dict[str, Any]]
    people: int
    """人: distinct name and phone, plus the crowds."""
    times: int
    """人次: every listing, plus the crowds."""
    next_id: int


async def _where(
    actor: Actor, source: Source, alias: str, category: str, place: int | None,
    team: int | None, period: Period,
) -> tuple[str, list[Any]]:  # fmt: skip
    conditions, args = await counting.where(actor, source, Grouping("area", place), period)
    conditions += f" AND {alias}.category = {{}}"
    args.append(category)
    if team is not None:
        conditions += " AND u.team = {}"
        args.append(team)
    return conditions, args


async def listed(
    actor: Actor,
    category: str,
    place: int | None,
    team: int | None,
    period: Period,
    after_id: int = 0,
) -> Trainees:
    """The trainees of ``category`` (one of ``TRAINING_CATEGORIES``) the dashboard counts
    under area ``place`` (recorded by team ``team``) in ``period``."""
    assert category in TRAINING_CATEGORIES
    where, args = await _where(actor, counting.TRAINEES, "tt", category, place, team, period)
    tables = counting.TRAINEES.tables
    rows = await fetch(
        "SELECT tt.id AS id, tt.name AS name, tt.phone AS phone, tt.certificate AS certificate, "
        "act.id AS activity, act.title AS title "
        f"FROM {tables} WHERE {where} AND tt.id > {{}} ORDER BY tt.id LIMIT {PAGE + 1}",
        *args,
        after_id,
    )
    [counts] = await fetch(
        "SELECT COUNT(*) AS times, COUNT(DISTINCT tt.name || '|' || tt.phone) AS people "
        f"FROM {tables} WHERE {where}",
        *args,
    )
    where, args = await _where(actor, counting.HEADCOUNTS, "tc", category, place, team, period)
    crowds = await fetch(
        "SELECT act.id AS activity, act.title AS title, SUM(tc.headcount) AS headcount "
        f"FROM {counting.HEADCOUNTS.tables} WHERE {where} AND tc.headcount > 0 "
        "GROUP BY act.id, act.title ORDER BY act.id",
        *args,
    )
    crowd = sum(int(c["headcount"] or 0) for c in crowds)
    shown = rows[:PAGE]
    return Trainees(
        shown,
        crowds,
        int(counts["people"] or 0) + crowd,
        int(counts["times"] or 0) + crowd,
        shown[-1]["id"] if len(rows) > PAGE else 0,
    )

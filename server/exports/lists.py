"""The coordinator's lists as export sheets: each reads every page of its list's own
service query (the review lists, 需要跟进, 户户走到 and the households behind its counts, the
phones holding unsynced entries), so an export shows what the page shows."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from server.actor import Actor
from server.coverage import service as coverage
from server.entries.forms import AREA_LABELS
from server.exports.writer import Column, Sheet
from server.followups import service as followups
from server.i18n import N_, gettext
from server.review import phones
from server.review import service as review

YES = N_("Yes")

REVIEW = (
    Column(N_("Time"), "time"),
    Column(N_("Kind")),
    Column(N_("Household or activity")),
    Column(N_("Volunteer")),
    Column(N_("Flagged")),
    Column(N_("Why flagged")),
    Column(N_("Entry id")),
)


async def _review_rows(
    actor: Actor, wanted: review.ReviewFilter, language: str
) -> AsyncIterator[list[Any]]:
    async for r in review.rows(actor, wanted):
        why = "、".join(gettext(language, words) for words in r["why"])
        yield [
            r["at"],
            gettext(language, r["label"]),
            r["where"],
            r["author"],
            gettext(language, YES) if why else "",
            why,
            str(r["entry_id"]),
        ]


def review_sheet(actor: Actor, wanted: review.ReviewFilter, language: str) -> Sheet:
    """The review list (every page of it) with its filters."""
    title = N_("Flagged entries") if wanted.flagged else N_("Review entries")
    return Sheet(title, REVIEW, _review_rows(actor, wanted, language), widths={6: 38})


FOLLOW_UPS = (
    Column(N_("Reported at"), "time"),
    Column(N_("Village")),
    Column(N_("Household")),
    Column(N_("Household code")),
    Column(N_("Need area")),
    Column(N_("Note")),
    Column(N_("Reported by")),
    Column(N_("Assigned to")),
    Column(N_("Partner")),
    Column(N_("Closed at"), "time"),
    Column(N_("Closed by")),
    Column(N_("Outcome")),
)


def _area(area: str, language: str) -> str:
    label = N_("Follow-up") if area == "follow_up" else AREA_LABELS.get(area, area)
    return gettext(language, label)


async def _follow_up_rows(
    actor: Actor, wanted: followups.QueueFilter, language: str
) -> AsyncIterator[list[Any]]:
    cursor = ""
    while True:
        page = await followups.queue(actor, dataclasses.replace(wanted, cursor=cursor))
        for r in page.rows:
            yield [
                r["reported_at"],
                r["household.village.name"],
                r["household.head_name"],
                r["household.code"],
                _area(r["area"], language),
                r["note"],
                r["reported_by.display_name"],
                r["assignee.display_name"],
                r["partner"],
                r["closed_at"],
                r["closed_by.display_name"],
                r["outcome"],
            ]
        if not page.next:
            return
        cursor = page.next


def follow_up_sheet(actor: Actor, wanted: followups.QueueFilter, language: str) -> Sheet:
    """The follow-up queue (open or closed) with its filters."""
    return Sheet(N_("Follow-ups"), FOLLOW_UPS, _follow_up_rows(actor, wanted, language))


def _coverage_columns(grouping: str) -> tuple[Column, ...]:
    # Teams and volunteers may share a household: their rows do not add up.
    adds = grouping == "village"
    return (
        Column(N_("Name")),
        Column(N_("Township or team")),
        Column(N_("Households"), "int", adds),
        Column(N_("Visited"), "int", adds),
        Column(N_("Share visited (%)"), "int"),
        Column(N_("Not visited"), "int", adds),
        Column(N_("Never visited"), "int", adds),
    )


async def _coverage_rows(
    actor: Actor, grouping: str, days: int, place: int | None
) -> AsyncIterator[list[Any]]:
    for r in await coverage.rows(actor, grouping, days, place):
        yield [r.name, r.detail, r.households, r.visited, r.share, r.not_visited, r.never]


def coverage_sheet(actor: Actor, grouping: str, days: int, place: int | None) -> Sheet:
    """户户走到 per village, team or volunteer for the last ``days`` days."""
    rows = _coverage_rows(actor, grouping, days, place)
    return Sheet(N_("Coverage"), _coverage_columns(grouping), rows)


COVERAGE_HOUSEHOLDS = (
    Column(N_("Household code")),
    Column(N_("Household")),
    Column(N_("Village")),
    Column(N_("Last visit"), "time"),
)


async def _coverage_household_rows(
    actor: Actor, grouping: str, group_id: int, state: str, days: int, place: int | None
) -> AsyncIterator[list[Any]]:
    after = 0
    while True:
        found, after = await coverage.households(
            actor, grouping, group_id, state, days, after, place
        )
        for h in found:
            yield [h["code"], h["head_name"], h["village"], h["last_visit"]]
        if not after:
            return


def coverage_households_sheet(
    actor: Actor, grouping: str, group_id: int, state: str, days: int, place: int | None
) -> Sheet:
    """The households behind a 户户走到 count: not visited in the last ``days`` days (never
    visited included), or never visited."""
    title = N_("Never visited") if state == "never" else N_("Not visited")
    rows = _coverage_household_rows(actor, grouping, group_id, state, days, place)
    return Sheet(title, COVERAGE_HOUSEHOLDS, rows)


PHONES = (
    Column(N_("Volunteer")),
    Column(N_("Team")),
    Column(N_("Phone")),
    Column(N_("Entries waiting"), "int", True),
    Column(N_("Oldest waiting since"), "time"),
    Column(N_("Last sync"), "time"),
)


async def _phone_rows(actor: Actor, days: int) -> AsyncIterator[list[Any]]:
    for d in await phones.holding(actor, days):
        yield [
            d["account.display_name"],
            d["account.team.name"] or "",
            d["account.phone"] or "",
            d["pending_count"],
            d["oldest"],
            d["last_seen_at"],
        ]


def phones_sheet(actor: Actor, days: int) -> Sheet:
    """The phones that have held unsynced entries for more than ``days`` days."""
    return Sheet(N_("Phones holding unsynced entries"), PHONES, _phone_rows(actor, days))

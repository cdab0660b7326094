"""Each export's sheets from what it was asked with: the query parameters, read the way
its page reads them, and the account's actor. A request writes a small export from them
at once; a background job re-runs the same builder as the account that asked, so a job's
file holds exactly what that account may see."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from server.actor import Actor
from server.audit.search import audit_filter
from server.coverage import service as coverage
from server.coverage.controllers import _days as coverage_days
from server.exports import audit_log, hours, lists, periods, programmes
from server.exports.writer import Sheet
from server.followups import filters as followup_filters
from server.forms import int_or_none
from server.review import filters as review_filters
from server.review import phones as review_phones
from server.settings import Settings

REPORT_FIELDS = ("period", "since", "until", "place")


@dataclass(frozen=True)
class Built:
    """An export ready to write: its filters as audited and its sheets."""

    filters: dict[str, Any]
    sheets: list[Sheet]


Builder = Callable[[Actor, Mapping[str, str], Settings, str], Awaitable["Built | str"]]
"""``(actor, query, settings, language)``: the export, or the code of why it cannot be."""


async def review(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """The review list (every page), or the flagged queue with ``flagged=1``."""
    wanted = review_filters.parse(query, ZoneInfo(settings.time_zone))
    shown = review_filters.shown(query)
    return Built(shown, [lists.review_sheet(actor, wanted, language)])


async def follow_ups(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """The follow-up queue, open (the default) or closed, by need area and place."""
    wanted = followup_filters.parse(query, ZoneInfo(settings.time_zone))
    wanted = dataclasses.replace(wanted, cursor="")
    shown = followup_filters.shown(query, wanted)
    return Built(shown, [lists.follow_up_sheet(actor, wanted, language)])


async def coverage_list(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """户户走到 per village, team or volunteer for the page's period and place."""
    grouping = query.get("by") if query.get("by") in coverage.GROUPINGS else "village"
    days = coverage_days(query.get("days"))
    place = int_or_none(query.get("place"))
    filters = {"by": grouping, "days": days, "place": place or ""}
    return Built(filters, [lists.coverage_sheet(actor, grouping, days, place)])


async def coverage_households(
    actor: Actor, query: Mapping[str, str], settings: Settings, language: str
):
    """The households behind one 户户走到 count (a village's, team's or volunteer's)."""
    grouping = query.get("by") if query.get("by") in coverage.GROUPINGS else "village"
    group_id = int_or_none(query.get("id"))
    group_id = group_id if group_id is not None and 0 < group_id < 2**31 else 0
    state = query.get("state") if query.get("state") in coverage.STATES else "stale"
    days = coverage_days(query.get("days"))
    place = int_or_none(query.get("place"))
    filters = {"by": grouping, "id": group_id, "state": state, "days": days}
    filters["place"] = place or ""
    sheet = lists.coverage_households_sheet(actor, grouping, group_id, state, days, place)
    return Built(filters, [sheet])


async def phones(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """The phones that have held unsynced entries for more than the page's days."""
    days = review_phones.days_of(query.get("days"))
    return Built({"days": days}, [lists.phones_sheet(actor, days)])


def report_fields(query: Mapping[str, str]) -> dict[str, str]:
    """The report form's fields as asked (trimmed)."""
    return {name: query.get(name, "").strip()[:20] for name in REPORT_FIELDS}


def _asked(
    actor: Actor, query: Mapping[str, str], settings: Settings, language: str
) -> tuple[periods.Asked, dict[str, Any]] | str:
    asked = report_fields(query)
    zone = ZoneInfo(settings.time_zone)
    today = dt.datetime.now(zone).date()
    found = periods.parse(asked["period"], asked["since"], asked["until"], zone, today)
    if isinstance(found, str):
        return found
    report = periods.Asked(
        actor, found, int_or_none(asked["place"]), language, zone, settings.service_hours_columns
    )
    filters = {
        "period": found.name,
        "first": found.first.isoformat(),
        "last": found.last.isoformat(),
        "place": asked["place"],
    }
    return report, filters


async def report(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """One workbook, one sheet per programme, for the period and area."""
    found = _asked(actor, query, settings, language)
    if isinstance(found, str):
        return found
    asked, filters = found
    return Built(filters, programmes.workbook(asked))


async def service_hours(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """志愿服务时长 for the period and area."""
    found = _asked(actor, query, settings, language)
    if isinstance(found, str):
        return found
    asked, filters = found
    return Built(filters, [hours.sheet(asked)])


async def audit(actor: Actor, query: Mapping[str, str], settings: Settings, language: str):
    """审计: the audit rows the reader may see that match the page's search."""
    wanted, _ = audit_filter(query, ZoneInfo(settings.time_zone))
    return Built(wanted.as_dict(), [audit_log.sheet_of(actor, wanted)])


BUILDERS: dict[str, Builder] = {
    "review": review,
    "followups": follow_ups,
    "coverage": coverage_list,
    "coverage_households": coverage_households,
    "phones": phones,
    "report": report,
    "hours": service_hours,
    "audit": audit,
}
"""Every export a background job can write, by the name its audit row carries."""

"""Where each dashboard number leads: the list of the records it counts, with the filters
that pick them (the review list's ``kind``, ``area``, ``team``, ``from``, ``to``,
``flagged``: ``server/review/filters.py``; the follow-up queue's ``status`` and ``place``)."""

from __future__ import annotations

from urllib.parse import urlencode

from server.reports.indicators import Indicator
from server.reports.period import Period


def records(
    indicator: Indicator,
    period: Period,
    place: int | None,
    team: int | None = None,
    flagged: bool = False,
) -> str:
    """The address of the records ``indicator`` counts under area ``place`` (and by team
    ``team``) in ``period``; only its flagged entries when ``flagged``."""
    if indicator.key.startswith("follow_ups_"):
        status = indicator.key.removeprefix("follow_ups_")
        return "/followups?" + urlencode(_drop({"status": status, "place": place}))
    if indicator.key == "activities_held":
        return "/activities"
    if not indicator.kind:
        return "/admin/accounts"
    query = {
        "kind": indicator.kind,
        "area": place,
        "team": team,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "flagged": "1" if flagged else None,
    }
    return "/review?" + urlencode(_drop(query))


def _drop(query: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in query.items() if v not in (None, "")}

"""Where each dashboard number leads: the list of the records it counts, with the filters
that pick them (the review list's ``kind``, ``area``, ``team``, ``from``, ``to``,
``flagged``, ``counted``: ``server/review/filters.py``; the follow-up queue's ``status``,
``place``, ``team``, ``from`` and ``to``: ``server/followups/filters.py``), so that the list
holds what the number counts."""

from __future__ import annotations

from urllib.parse import urlencode

from server.reports import households
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
    days = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    if indicator.key.startswith("follow_ups_"):
        status = indicator.key.removeprefix("follow_ups_")
        query = {"status": status, "place": place, "team": team, **days}
        return "/followups?" + urlencode(_drop(query))
    if indicator.key == "activities_held":
        return "/activities?" + urlencode(_drop({"held": "1", "area": place, "team": team, **days}))
    if indicator.key in ("volunteers", "volunteers_20h"):
        over = "1" if indicator.key == "volunteers_20h" else None
        query = {"over": over, "area": place, "team": team, **days}
        return "/dashboard/volunteers?" + urlencode(_drop(query))
    if not indicator.kind:
        return "/admin/accounts"
    if indicator.kind == "check_in" and not flagged:
        return "/dashboard/attendance?" + urlencode(_drop({"area": place, "team": team, **days}))
    if indicator.kind == "training_count" and not flagged:
        category = indicator.key.rsplit("_", 1)[0]
        query = {"category": category, "area": place, "team": team, **days}
        return "/dashboard/trainees?" + urlencode(_drop(query))
    if indicator.key == "medicine_items" and not flagged:
        return "/dashboard/medicines?" + urlencode(_drop({"area": place, "team": team, **days}))
    if indicator.key in households.CELLS and not flagged:
        query = {"cell": indicator.key, "area": place, "team": team, **days}
        return "/dashboard/households?" + urlencode(_drop(query))
    query = {
        "kind": indicator.kind,
        "area": place,
        "team": team,
        **days,
        "flagged": "1" if flagged else None,
        "counted": "1",
    }
    return "/review?" + urlencode(_drop(query))


def _drop(query: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in query.items() if v not in (None, "")}

"""数据看板 (/dashboard): the Red Cross counts for a period and an area, per area or team."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Controller, Request, get
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import File, Stream, Template

from server import scope
from server.actor import Actor, now
from server.exports.controllers import send
from server.forms import int_or_none
from server.i18n import N_, gettext
from server.reports import (
    breakdowns,
    charts,
    export,
    households,
    links,
    medicines,
    people,
    period,
    service,
    trainees,
)
from server.reports.counting import BY, REST
from server.reports.indicators import (
    BY_KEY,
    INDICATORS,
    OCCASIONS,
    SECTIONS,
    TRAINING_CATEGORIES,
    written,
)
from server.settings import Settings
from server.web import language_of

CHARTED = ("households_visited", "visits")
"""The per-row chart shows these (its first) beside the table."""


def coordinators_allowed(connection: ASGIConnection, _: Any) -> None:
    """A guard: the dashboard is for coordinators and admins; anyone else gets 403."""
    user = connection.scope.get("user")
    if user is None or not user.is_coordinator:
        raise PermissionDeniedException()


def _asked(request: Request[Actor, str, object], zone: ZoneInfo) -> dict[str, Any]:
    query = request.query_params
    shown = {k: query.get(k, "")[:20] for k in ("period", "since", "until", "place", "by")}
    shown["by"] = shown["by"] if shown["by"] in BY else "area"
    place = int_or_none(shown["place"])
    shown["place_id"] = place if place is not None and 0 < place < 2**31 else None
    shown["today"] = now().astimezone(zone).date()
    return shown


def _id(value: str | None) -> int | None:
    number = int_or_none(value)
    return number if number is not None and 0 < number < 2**31 else None


ATTENDANCE_PAGE = 100
"""Person-times a page of the attendance list shows."""


def _attendance_key(row: dict[str, Any]) -> str:
    """A person-time's place in the list (its keyset cursor): date, activity, person."""
    return f"{row['date'].isoformat()}.{row['activity']:010d}.{row['person_id']:010d}"


def names(board: service.Dashboard, language: str) -> list[str]:
    """Each row's name; the row of records under no row's area or team says what it is."""
    found = []
    for row in board.rows:
        if row.id != REST:
            found.append(row.name)
        elif board.by == "team":
            found.append(gettext(language, N_("No team")))
        elif board.area:
            found.append(gettext(language, N_("{name} itself"), name=board.area["name"]))
        else:
            found.append(gettext(language, N_("Elsewhere")))
    return found


def _export_query(shown: dict[str, Any]) -> str:
    return urlencode({k: shown[k] for k in ("period", "since", "until", "place", "by") if shown[k]})


def _charts(board: service.Dashboard, language: str) -> list[charts.Chart]:
    key = BY_KEY[CHARTED[0]]
    per_row = [
        (name, r.cell(key.key).value, written(key, r.cell(key.key).value))
        for name, r in zip(names(board, language), board.rows, strict=True)
    ]
    visits = BY_KEY["visits"]
    over_time = [(b.label, n, written(visits, n)) for b, n in board.over_time]
    return [charts.bars(visits.label, over_time), charts.bars(key.label, per_row)]


async def _page(request: Request[Actor, str, object], settings: Settings) -> Template:
    """The dashboard page, or (400) the period's error."""
    zone = ZoneInfo(settings.time_zone)
    shown = _asked(request, zone)
    context: dict[str, Any] = {
        "shown": shown,
        "presets": period.PRESETS,
        "places": await scope.places(request.user),
        "sections": SECTIONS,
        "indicators": INDICATORS,
        "written": written,
        "link": links.records,
        "rest": REST,
        "occasions": OCCASIONS,
        "export_query": _export_query(shown),
    }
    try:
        chosen = period.parse(shown["period"], shown["since"], shown["until"], shown["today"], zone)
    except period.PeriodError as error:
        context.update(error=error.message, code=error.code)
        return Template("dashboard.html", context=context, status_code=400)
    board = await service.dashboard(request.user, shown["by"], shown["place_id"], chosen)
    language = language_of(request)
    context.update(board=board, charts=_charts(board, language), row_names=names(board, language))
    return Template("dashboard.html", context=context)


class DashboardController(Controller):
    """Coordinators and admins: 数据看板."""

    path = "/dashboard"
    guards = [coordinators_allowed]

    @get("/")
    async def index(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """Every count for the period and area asked for, per area or team, with charts."""
        return await _page(request, settings)

    @get("/households")
    async def counted_households(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """The households a count of households (户) counts: what its number links to."""
        query = request.query_params
        key = query.get("cell", "")
        if key not in households.CELLS:
            raise NotFoundException()
        zone = ZoneInfo(settings.time_zone)
        today = now().astimezone(zone).date()
        context: dict[str, Any] = {"indicator": BY_KEY[key]}
        try:
            chosen = period.parse("range", query.get("from", ""), query.get("to", ""), today, zone)
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard_households.html", context=context, status_code=400)
        area, team = _id(query.get("area")), _id(query.get("team"))
        after = _id(query.get("after")) or 0
        found = await households.listed(request.user, key, area, team, chosen, after)
        shown = {"cell": key, "area": area or "", "team": team or ""}
        shown |= {"from": chosen.first.isoformat(), "to": chosen.last.isoformat()}
        context.update(period=chosen, found=found, shown=shown)
        return Template("dashboard_households.html", context=context)

    @get("/attendance")
    async def attendance(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """The person-times (人次) the attendance and service-hours counts count."""
        query = request.query_params
        zone = ZoneInfo(settings.time_zone)
        today = now().astimezone(zone).date()
        context: dict[str, Any] = {}
        try:
            chosen = period.parse("range", query.get("from", ""), query.get("to", ""), today, zone)
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard_attendance.html", context=context, status_code=400)
        area, team = _id(query.get("area")), _id(query.get("team"))
        found = await people.attendances(request.user, area, team, chosen)
        after = query.get("after", "")[:40]
        rest = [a for a in found if _attendance_key(a) > after] if after else found
        shown = {"area": area or "", "team": team or "", "from": chosen.first.isoformat()}
        shown["to"] = chosen.last.isoformat()
        context.update(
            period=chosen,
            rows=rest[:ATTENDANCE_PAGE],
            next=_attendance_key(rest[ATTENDANCE_PAGE - 1]) if len(rest) > ATTENDANCE_PAGE else "",
            people=len({a["person_id"] for a in found}),
            times=len(found),
            verified=sum(a["verified_minutes"] for a in found),
            makeup=sum(a["makeup_minutes"] for a in found),
            shown=shown,
        )
        return Template("dashboard_attendance.html", context=context)

    @get("/trainees")
    async def trainees_of(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """The first-aid trainees of one category the trainee counts (人, 人次) count."""
        query = request.query_params
        category = query.get("category", "")
        if category not in TRAINING_CATEGORIES:
            raise NotFoundException()
        zone = ZoneInfo(settings.time_zone)
        today = now().astimezone(zone).date()
        context: dict[str, Any] = {"indicator": BY_KEY[f"{category}_times"]}
        try:
            chosen = period.parse("range", query.get("from", ""), query.get("to", ""), today, zone)
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard_trainees.html", context=context, status_code=400)
        area, team = _id(query.get("area")), _id(query.get("team"))
        after = _id(query.get("after")) or 0
        found = await trainees.listed(request.user, category, area, team, chosen, after)
        shown = {"category": category, "area": area or "", "team": team or ""}
        shown |= {"from": chosen.first.isoformat(), "to": chosen.last.isoformat()}
        context.update(period=chosen, found=found, shown=shown)
        return Template("dashboard_trainees.html", context=context)

    @get("/volunteers")
    async def volunteers(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """The registered volunteers the volunteer counts count (``over=1``: those with 20
        service hours in the period's year)."""
        query = request.query_params
        over = query.get("over") == "1"
        zone = ZoneInfo(settings.time_zone)
        today = now().astimezone(zone).date()
        key = "volunteers_20h" if over else "volunteers"
        context: dict[str, Any] = {"indicator": BY_KEY[key]}
        try:
            chosen = period.parse("range", query.get("from", ""), query.get("to", ""), today, zone)
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard_volunteers.html", context=context, status_code=400)
        area, team = _id(query.get("area")), _id(query.get("team"))
        found = await people.registered(request.user, area, team, chosen, over)
        context.update(period=chosen, volunteers=found, over=over)
        return Template("dashboard_volunteers.html", context=context)

    @get("/medicines")
    async def medicines_of(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """The medicine lines the count of medicines delivered (品种次) counts."""
        query = request.query_params
        zone = ZoneInfo(settings.time_zone)
        today = now().astimezone(zone).date()
        context: dict[str, Any] = {"indicator": BY_KEY["medicine_items"]}
        try:
            chosen = period.parse("range", query.get("from", ""), query.get("to", ""), today, zone)
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard_medicines.html", context=context, status_code=400)
        area, team = _id(query.get("area")), _id(query.get("team"))
        after = _id(query.get("after")) or 0
        found = await medicines.listed(request.user, area, team, chosen, after)
        shown = {"area": area or "", "team": team or ""}
        shown |= {"from": chosen.first.isoformat(), "to": chosen.last.isoformat()}
        context.update(period=chosen, found=found, shown=shown)
        return Template("dashboard_medicines.html", context=context)

    @get("/supplies")
    async def supplies_of(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Template:
        """The handouts behind one line of supplies per item and occasion."""
        query = request.query_params
        item, occasion = _id(query.get("item")), query.get("occasion", "")
        if item is None or occasion not in OCCASIONS:
            raise NotFoundException()
        zone = ZoneInfo(settings.time_zone)
        today = now().astimezone(zone).date()
        context: dict[str, Any] = {"occasion": OCCASIONS[occasion]}
        try:
            chosen = period.parse("range", query.get("from", ""), query.get("to", ""), today, zone)
        except period.PeriodError as error:
            context.update(error=error.message, code=error.code)
            return Template("dashboard_supplies.html", context=context, status_code=400)
        area, team = _id(query.get("area")), _id(query.get("team"))
        unit = query.get("unit", "")[:16]
        after = _id(query.get("after")) or 0
        found, next_id = await breakdowns.handouts(
            request.user, item, unit, occasion, area, team, chosen, after
        )
        shown = {"item": item, "unit": unit, "occasion": occasion, "area": area or ""}
        shown |= {"team": team or "", "from": chosen.first.isoformat()}
        shown["to"] = chosen.last.isoformat()
        context.update(period=chosen, lines=found, next_id=next_id, shown=shown)
        return Template("dashboard_supplies.html", context=context)

    @get(["/export.csv", "/export.xlsx"])
    async def export(
        self, request: Request[Actor, str, object], settings: NamedDependency[Settings]
    ) -> Stream | File | Template:
        """The dashboard as the page shows it, as .csv (its rows) or .xlsx (rows, what each
        count means, supplies per item and occasion); audited."""
        zone = ZoneInfo(settings.time_zone)
        shown = _asked(request, zone)
        try:
            chosen = period.parse(
                shown["period"], shown["since"], shown["until"], shown["today"], zone
            )
        except period.PeriodError:
            return await _page(request, settings)  # the page says why
        board = await service.dashboard(request.user, shown["by"], shown["place_id"], chosen)
        language = language_of(request)
        filters = {k: shown[k] for k in ("by", "place")} | {
            "since": chosen.first.isoformat(),
            "until": chosen.last.isoformat(),
        }
        sheets = export.sheets(board, names(board, language), language)
        return await send(request, settings, "dashboard", filters, sheets)

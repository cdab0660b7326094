"""What the attendance pages show and change: a leader's team at an activity, the people
behind the counts, and coordinators' changes afterwards (confirm, adjust, 补录), allowed
within ``WORKING_DAYS`` working days after the activity and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from server import scope
from server.accounts.tables import Account
from server.actor import Actor
from server.attendance.hours import local_date
from server.attendance.tables import AttendanceChange
from server.audit import service as audit
from server.db import write_transaction
from server.entries.kinds.check_in import CheckIn
from server.entries.kinds.check_out import CheckOut
from server.i18n import N_

WORKING_DAYS = 10
"""Attendance is recorded within 10 working days (《志愿服务记录与证明出具办法（试行）》);
after that the activity is closed and only an admin changes it."""
MAX_REASON = 500
MESSAGES = {
    "closed": N_("This activity is closed: changes after 10 working days need an admin."),
    "bad_minutes": N_("Minutes must be a whole number from 0 to the activity's length."),
    "reason_required": N_("Give the reason for the change."),
    "reason_too_long": N_("The reason is at most 500 characters."),
    "unknown_person": N_("Choose a volunteer of the activity's teams."),
    "bad_action": N_("Choose confirm, adjust or make-up."),
}
ACTIONS = ("confirm", "adjust", "makeup")


class Refused(Exception):
    """A change the rules refuse, with its code (a key of ``MESSAGES``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def closes_on(ends_at: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The last day changes are taken: ``WORKING_DAYS`` working days (Monday to Friday)
    after the local date the activity ended."""
    day, left = local_date(ends_at, zone), WORKING_DAYS
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def is_open(activity: dict[str, Any], zone: ZoneInfo, today: dt.date) -> bool:
    """True while coordinators may still change the activity's attendance."""
    return today <= closes_on(activity["ends_at"], zone)


async def names(ids: set[int]) -> dict[int, str]:
    """Display names of accounts."""
    if not ids:
        return {}
    rows = await Account.select(Account.id, Account.display_name).where(
        Account.id.is_in(sorted(ids))
    )
    return {r["id"]: r["display_name"] for r in rows}


async def audience_names(activity: dict[str, Any]) -> dict[int, str]:
    """The volunteers an activity is meant for, by id (whose attendance may be added)."""
    return await names(set(await scope.activity_audience(activity["team"], activity["area.path"])))


async def team_at(actor: Actor, activity_id: int) -> list[dict[str, Any]]:
    """A leader's team members with whether each has checked in and out of the activity."""
    members = await scope.team_members(actor)
    ids = [m["id"] for m in members] or [-1]
    state: dict[int, set[str]] = {}
    for table, direction in ((CheckIn, "in"), (CheckOut, "out")):
        rows = await table.select(table.person).where(
            (table.activity == activity_id) & table.person.is_in(ids)
        )
        for r in rows:
            state.setdefault(r["person"], set()).add(direction)
    return [{**m, "marks": state.get(m["id"], set())} for m in members if m["id"] != actor.id]


def _minutes(value: str, span_minutes: int) -> int:
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > span_minutes:
        raise Refused("bad_minutes")
    return int(text)


async def record_change(
    actor: Actor,
    activity: dict[str, Any],
    form: dict[str, str],
    zone: ZoneInfo,
    today: dt.date,
) -> None:
    """Store a coordinator's change to one person's attendance, with its audit row."""
    if not actor.is_admin and not is_open(activity, zone, today):
        raise Refused("closed")
    action = form.get("action", "")
    if action not in ACTIONS:
        raise Refused("bad_action")
    person = form.get("person", "")
    audience = await scope.activity_audience(activity["team"], activity["area.path"])
    if not (person.isascii() and person.isdigit()) or int(person) not in audience:
        raise Refused("unknown_person")
    reason = form.get("reason", "").strip()
    if action != "confirm" and not reason:
        raise Refused("reason_required")
    if len(reason) > MAX_REASON:
        raise Refused("reason_too_long")
    span = int((activity["ends_at"] - activity["starts_at"]).total_seconds() // 60)
    values: dict[str, Any] = {
        "activity": activity["id"],
        "person": int(person),
        "verified_minutes": None,
        "makeup_minutes": 0,
        "confirmed": action == "confirm",
        "reason": reason,
        "changed_by": actor.id,
    }
    if action == "adjust":
        values["verified_minutes"] = _minutes(form.get("minutes", ""), span)
    elif action == "makeup":
        values["makeup_minutes"] = _minutes(form.get("minutes", ""), span)
    async with write_transaction():
        rows = await AttendanceChange.insert(AttendanceChange(**values)).returning(
            AttendanceChange.id
        )
        await audit.record(
            actor.id, f"attendance.{action}", "attendance_change", rows[0]["id"], after=values
        )

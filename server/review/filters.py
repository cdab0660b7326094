"""What a review list asks for, read from a page's query string.

The query parameters (the dashboard links its cells with them; an export of a list takes
the same ones):

- ``kind``: one entry kind (``visit``, ``medicine_delivery``, ``supply_handout``,
  ``purchase``, ``household_patch``, ``check_in``, ``check_out``, ``activity_signup``,
  ``training_count``); empty or unknown: every kind;
- ``area``: an area id (county, township or village): entries whose household or
  activity lies in it or under it; an area outside the coordinator's own matches nothing
  (``place`` is the older name, still read);
- ``team``: a team id: entries recorded by its members;
- ``volunteer``: an account id: entries recorded by that account;
- ``from``, ``to``: local dates (YYYY-MM-DD, the ``TIME_ZONE`` setting's days), both
  included, tested against when the event took place (a visit's ``visited_at``, a
  delivery's ``delivered_at``, a household edit's ``recorded_at``, a training's start; a
  sign-up when it reached the server)
  (``since``, ``until`` are the older names, still read);
- ``flagged``: ``1`` for flagged entries only (pairing ended, an edit conflict, a
  check-in out of its window or place, a waiting list);
- ``counted``: ``1`` for the entries that count only, without voided ones (the dashboard's
  links: the list then holds exactly what the number counts);
- ``after``: the cursor of the next page (keyset: the last row's time and id).

Every list shows the latest entry of each correction chain; a voided one is shown struck
through and marked, as 我的记录 shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from server.actor import day_start
from server.forms import int_or_none

NAMES = ("kind", "area", "team", "volunteer", "from", "to", "flagged", "counted")
"""The parameters a list's links carry (its next page adds ``after``)."""
OLDER = {"area": "place", "from": "since", "to": "until"}
"""Earlier names of some parameters, read when the new one is absent."""


@dataclass(frozen=True)
class ReviewFilter:
    """What a review list asks for; empty fields ask for everything in scope."""

    kind: str = ""
    place: int | None = None
    """An area id: entries of that area and those under it."""
    team: int | None = None
    volunteer: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    """Exclusive: the start of the day after the last day asked for."""
    flagged: bool = False
    counted: bool = False
    """Only what counts: no voided entry (listed struck through otherwise)."""
    cursor: str = ""


def _id(value: str | None) -> int | None:
    number = int_or_none(value)
    return number if number is not None and 0 < number < 2**31 else None


def shown(query: Mapping[str, str]) -> dict[str, str]:
    """The parameters as the page shows them again (older names read as the new ones)."""
    found = {}
    for name in NAMES:
        value = query.get(name) or query.get(OLDER.get(name, ""), "") or ""
        found[name] = value[:32]
    for flag in ("flagged", "counted"):
        found[flag] = "1" if found[flag] == "1" else ""
    return found


def parse(query: Mapping[str, str], zone: ZoneInfo, flagged: bool = False) -> ReviewFilter:
    """The filter a query string asks for (``flagged``: the flagged queue, always flagged)."""
    values = shown(query)
    return ReviewFilter(
        kind=values["kind"],
        place=_id(values["area"]),
        team=_id(values["team"]),
        volunteer=_id(values["volunteer"]),
        since=day_start(values["from"], zone),
        until=day_start(values["to"], zone, shift=1),
        flagged=flagged or values["flagged"] == "1",
        counted=values["counted"] == "1",
        cursor=(query.get("after") or "")[:80],
    )

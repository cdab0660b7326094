"""The one counting module: the dashboard's numbers equal what the test counts itself from
the raw entries (their bodies as sent, their chains and flags), with corrections, voids,
companions, duplicate check-ins, flagged entries and entries of other areas."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from tests.builders import correction_entry, push_results, visit_entry
from tests.catalogue_helpers import (
    item_ids,
    medicine_entry,
    member_ids,
    purchase_entry,
    supply_entry,
)
from tests.checkin_helpers import local, mark, scanned, send, team_activity
from tests.helpers import household_ids_of
from tests.review_helpers import NOW, days_ago, small_village, visit

ZONE = ZoneInfo("Asia/Shanghai")
NEEDS = ("health", "training", "livelihood", "work_school")
TIMES = {
    "visit": "visited_at",
    "medicine_delivery": "delivered_at",
    "purchase": "bought_at",
    "supply_handout": "handed_at",
}


def _accepted(client, *entries: dict) -> None:
    results = push_results(client, list(entries))
    assert {r["status"] for r in results} <= {"accepted", "conflict"}, results


def _at(entry: dict) -> str:
    data = entry["data"]
    return data.get(TIMES.get(entry["kind"], ""), entry["recorded_at"])


async def _raw_counted() -> list[dict]:
    """The test's own reading of the stored entries: the latest of each chain as sent
    (a correction carries its chain's kind and new values), with its flag and place."""
    from server.areas.tables import Area
    from server.entries.tables import Entry
    from server.households.tables import Household

    rows = await Entry.select(
        Entry.id, Entry.kind, Entry.body, Entry.superseded_by, Entry.flag, Entry.status,
        Entry.supersedes,
    )  # fmt: skip
    by_id = {str(r["id"]): r for r in rows}
    paths = {a["id"]: a["path"] for a in await Area.select(Area.id, Area.path)}
    villages = {
        h["id"]: paths[h["village"]]
        for h in await Household.select(Household.id, Household.village)
    }

    def root_kind(row: dict) -> str:
        while row["kind"] == "correction":
            row = by_id[str(row["supersedes"])]
        return row["kind"]

    counted = []
    for row in rows:
        if row["superseded_by"] is not None:
            continue
        body = json.loads(row["body"])
        data = body["data"]
        if row["kind"] == "correction":
            if data["data"] is None:
                continue
            data = data["data"]
        kind = root_kind(row)
        entry = {"kind": kind, "data": data, "recorded_at": body["recorded_at"]}
        household = data.get("household_id")
        counted.append(
            {
                **entry,
                "at": dt.datetime.fromisoformat(_at(entry)),
                "path": villages.get(int(household)) if household else None,
                "household": int(household) if household else None,
                "flagged": bool(row["flag"]) or row["status"] == "conflict",
            }
        )
    return counted


def _expected(counted: list[dict], path: str, first: dt.date, last: dt.date) -> dict:
    """What the dashboard must say for the area at ``path`` and those days."""
    start = dt.datetime.combine(first, dt.time(), ZONE)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), ZONE)
    mine = [
        e for e in counted if e["path"] and e["path"].startswith(path) and start <= e["at"] < end
    ]

    def of(kind: str) -> list[dict]:
        return [e for e in mine if e["kind"] == kind]

    visits = of("visit")
    levels = [(e, e["data"].get("needs", {})) for e in visits]
    found = {
        "households_visited": len({e["household"] for e in visits}),
        "visits": len(visits),
        "urgent": len(
            {e["household"] for e, n in levels if any(v["level"] == "urgent" for v in n.values())}
        ),
        "medicine_deliveries": len(of("medicine_delivery")),
        "medicine_items": sum(len(e["data"]["items"]) for e in of("medicine_delivery")),
        "medicine_households": len({e["household"] for e in of("medicine_delivery")}),
        "purchases": len(of("purchase")),
        "purchase_amount": sum(e["data"]["amount_fen"] for e in of("purchase")),
        "purchase_households": len({e["household"] for e in of("purchase")}),
        "supply_households": len({e["household"] for e in of("supply_handout")}),
    }
    for need in NEEDS:
        found[f"need_{need}"] = len(
            {e["household"] for e, n in levels if n.get(need, {}).get("level", "none") != "none"}
        )
    found["visits__flagged"] = sum(e["flagged"] for e in visits)
    return found


def _got(cells: dict, keys) -> dict:
    got = {k: cells[k].value if k in cells else 0 for k in keys if not k.endswith("__flagged")}
    got["visits__flagged"] = cells["visits"].flagged if "visits" in cells else 0
    return got


async def _board(username: str, place_name: str | None, first: dt.date, last: dt.date, by="area"):
    from server.accounts.service import load_actor
    from server.areas.tables import Area
    from server.reports import service
    from server.reports.period import Period
    from tests.admin_helpers import account_id

    actor = await load_actor(await account_id(username))
    place = None
    if place_name:
        place = (await Area.select(Area.id).where(Area.name == place_name).first())["id"]
    return await service.dashboard(actor, by, place, Period("range", first, last, ZONE))


async def _path_of(name: str) -> str:
    from server.areas.tables import Area

    return (await Area.select(Area.path).where(Area.name == name).first())["path"]


@pytest.fixture
def field_work(as_user, db):
    """试点村 (大柳乡, coord's): visits with a companion, a correction, a void and a flagged
    one; a delivery, purchases (one corrected) and handouts; and a visit in 房县."""
    from server.pairings import pairing
    from tests.admin_helpers import account_id

    made = db(small_village)
    h = made["households"]
    vol2 = as_user("vol2")
    urgent = visit(vol2, h[0], 2, health="urgent")
    companions = visit_entry(h[0], recorded_at=NOW.isoformat(), visited_at=days_ago(5))
    companions["data"]["companions"] = [str(db(account_id, "vol1"))]
    moved = visit_entry(h[1], recorded_at=NOW.isoformat(), visited_at=days_ago(3))
    voided = visit_entry(h[3], recorded_at=NOW.isoformat(), visited_at=days_ago(4))
    _accepted(vol2, companions, moved, voided)
    fixed = {
        **moved["data"],
        "household_id": str(h[2]),
        "needs": {"livelihood": {"level": "some", "note": "n"}},
    }
    _accepted(
        vol2,
        correction_entry(moved["id"], fixed, recorded_at=NOW.isoformat()),
        correction_entry(voided["id"], None, reason="重复", recorded_at=NOW.isoformat()),
    )
    db(pairing.unpair, None, made["vol2"], h[1])
    late = visit_entry(h[1], recorded_at=days_ago(1), visited_at=days_ago(1))
    [result] = push_results(vol2, [late])
    assert result["status"] == "accepted" and result.get("code") in (None, "", "pairing_ended"), (
        result
    )

    medicines = db(item_ids, "medicine")
    demo = db(household_ids_of, "vol2")[0]
    member = db(member_ids, demo)[0]
    items = list(medicines.values())[:2]
    delivery = medicine_entry(demo, member, items[0], delivered_at=days_ago(2))
    delivery["data"]["items"].append({"item_id": items[1], "quantity": 1, "unit": "盒"})
    delivery["recorded_at"] = NOW.isoformat()
    products = list(db(item_ids, "products").values())
    bought = purchase_entry(h[0], products[0], bought_at=days_ago(1))
    changed = purchase_entry(h[2], products[0], bought_at=days_ago(1), amount_fen=3000)
    supplies = list(db(item_ids, "supplies").values())
    handout = supply_entry(h[2], supplies[0], handed_at=days_ago(1))
    group = supply_entry(
        None, supplies[0], handed_at=days_ago(1), group={"place": "村小学", "people": 30}
    )
    for entry in (bought, changed, handout, group):
        entry["recorded_at"] = NOW.isoformat()
    _accepted(vol2, delivery, bought, changed, handout, group)
    fix = {**changed["data"], "amount_fen": 2050}
    _accepted(vol2, correction_entry(changed["id"], fix, recorded_at=NOW.isoformat()))
    vol3 = as_user("vol3")
    visit(vol3, db(household_ids_of, "vol3")[0], 1, health="urgent")
    return made, urgent


def _days() -> tuple[dt.date, dt.date]:
    today = NOW.date()
    return today - dt.timedelta(days=30), today


def test_counts_per_village_equal_the_raw_entries(db, field_work):
    first, last = _days()
    board = db(_board, "coord", "大柳乡", first, last)
    counted = db(_raw_counted)
    keys = _expected(counted, "/", first, last).keys()
    for row in board.rows:
        path = db(_path_of, row.name)
        assert _got(row.cells, keys) == _expected(counted, path, first, last), row.name
    township = db(_path_of, "大柳乡")
    assert _got(board.total.cells, keys) == _expected(counted, township, first, last)


def test_the_fixture_has_what_the_rules_are_about(db, field_work):
    """Companions, a correction to another household, a void, a flagged visit: 试点村 has
    three households visited (h0, h2, h1 late) in four visits, one of them flagged."""
    made, _ = field_work
    first, last = _days()
    board = db(_board, "coord", "大柳乡", first, last)
    [village] = [r for r in board.rows if r.id == made["village"]]
    assert (village.cell("households_visited").value, village.cell("visits").value) == (3, 4)
    assert village.cell("visits").flagged == 1
    assert (village.cell("urgent").value, village.cell("need_livelihood").value) == (1, 1)
    assert village.cell("purchase_amount").value == 1250 + 2050
    assert village.cell("supply_households").value == 1


def test_another_areas_coordinator_counts_none_of_it(db, field_work):
    first, last = _days()
    assert db(_board, "coord_fx", "大柳乡", first, last).rows == []
    own = db(_board, "coord_fx", None, first, last)
    counted = db(_raw_counted)
    fang = db(_path_of, "房县")
    keys = _expected(counted, "/", first, last).keys()
    assert _got(own.total.cells, keys) == _expected(counted, fang, first, last)
    assert own.total.cell("visits").value >= 1


def test_per_team_counts_each_visit_by_its_authors_team(db, field_work):
    first, last = _days()
    board = db(_board, "coord", "大柳乡", first, last, "team")
    counted = db(_raw_counted)
    township = db(_path_of, "大柳乡")
    expected = _expected(counted, township, first, last)
    assert sum(r.cell("visits").value for r in board.rows) == expected["visits"]
    assert board.total.cell("households_visited").value == expected["households_visited"]


def test_supplies_per_item_and_occasion(db, field_work):
    """A household's handout counts in its village; a group's in its author's team's area
    (郧阳区 itself), so under 大柳乡 only the household's."""
    first, last = _days()
    township = db(_board, "coord", "大柳乡", first, last)
    assert [(s.occasion, s.quantity, s.handouts) for s in township.supplies] == [("pairing", 10, 1)]
    county = db(_board, "coord", None, first, last)
    assert [(s.occasion, s.quantity, s.handouts) for s in county.supplies] == [("pairing", 20, 2)]
    assert county.total.cell("supply_group_people").value == 30


def test_attendance_people_person_times_and_hours(db, as_user):
    """vol2 checks in twice (one counts) and out; vol1 in and out with a wrong code (counts,
    flagged)."""
    coord, vol1, vol2 = as_user("coord"), as_user("vol1"), as_user("vol2")
    activity, key = team_activity(db, coord)  # 2026-12-20 09:00–11:30
    send(
        vol2,
        scanned("check_in", activity, key, local("2026-12-20T08:50")),
        scanned("check_in", activity, key, local("2026-12-20T09:10")),
        scanned("check_out", activity, key, local("2026-12-20T11:00")),
    )
    send(
        vol1,
        mark("check_in", activity, local("2026-12-20T09:30"), code="000000"),
        scanned("check_out", activity, key, local("2026-12-20T11:45")),
    )
    board = db(_board, "coord", None, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    total = board.total
    assert (total.cell("attendance_people").value, total.cell("attendance_times").value) == (2, 2)
    assert total.cell("attendance_times").flagged == 1
    assert total.cell("hours_verified").value == (11 * 60 - 9 * 60) + (150 - 30)
    assert sum(r.cell("attendance_times").value for r in board.rows) == 2


def test_trainees_per_category(db, as_user, vol1):
    import uuid

    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training")
    sent = []
    for category, trainees, crowd in (
        ("first_aider", [{"name": "刘春燕", "phone": "13907191234", "certificate": "passed"}], 0),
        ("first_aider", [{"name": "刘春燕", "phone": "13907191234", "certificate": "failed"}], 0),
        ("public", [{"name": "张三"}], 120),
        ("trainer", [{"name": "陈老师"}], 0),
    ):
        data = {"activity_id": str(activity), "category": category, "trainees": trainees}
        if crowd:
            data["headcount"] = crowd
        sent.append({"id": str(uuid.uuid4()), "kind": "training_count", "schema": 1,
                     "recorded_at": "2026-12-20T12:00:00+08:00", "data": data})  # fmt: skip
    send(vol1, *sent)
    total = db(_board, "coord", None, dt.date(2026, 12, 1), dt.date(2026, 12, 31)).total
    for category in ("trainer", "first_aider", "public"):
        mine = [e["data"] for e in sent if e["data"]["category"] == category]
        rows = [(t["name"], t.get("phone", "")) for d in mine for t in d["trainees"]]
        crowd = sum(d.get("headcount", 0) for d in mine)
        assert total.cell(f"{category}_times").value == len(rows) + crowd
        assert total.cell(f"{category}_people").value == len(set(rows)) + crowd


def test_registered_volunteers_and_those_over_twenty_hours(db, as_user):
    from server.accounts.tables import Account

    coord, vol2 = as_user("coord"), as_user("vol2")
    activity, key = team_activity(
        db, coord, starts_at="2026-12-19T00:00", ends_at="2026-12-19T21:00"
    )
    send(
        vol2,
        scanned("check_in", activity, key, local("2026-12-19T00:00")),
        scanned("check_out", activity, key, local("2026-12-19T20:30")),
    )
    board = db(_board, "coord", None, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    path = db(_path_of, "郧阳区")

    async def registered() -> int:
        rows = await Account.select(Account.id).where(
            Account.role.is_in(["volunteer", "leader"])
            & (Account.active == True)  # noqa: E712
            & Account.team.area.path.like(f"{path}%")
        )
        return len(rows)

    assert board.total.cell("volunteers").value == db(registered)
    assert board.total.cell("volunteers_20h").value == 1


def _ranges() -> list[tuple[dt.date, dt.date]]:
    """Periods whose edges fall anywhere in a month: whole months from the tallies, edge
    days added from the visits or taken away from a month's tally."""
    today = NOW.date()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    return [
        (today - dt.timedelta(days=60), today),
        (last_month, this_month - dt.timedelta(days=1)),
        (last_month + dt.timedelta(days=2), today - dt.timedelta(days=1)),
        (today - dt.timedelta(days=25), today - dt.timedelta(days=4)),
        (today - dt.timedelta(days=3), today - dt.timedelta(days=2)),
        (today - dt.timedelta(days=14), today),
        (today - dt.timedelta(days=20), today - dt.timedelta(days=1)),
        (today.replace(month=1, day=1), today.replace(month=12, day=31)),
        (today - dt.timedelta(days=400), today),
        (today - dt.timedelta(days=250), today - dt.timedelta(days=1)),
    ]


@pytest.mark.parametrize("which", range(10))
def test_counts_for_any_period_equal_the_raw_entries(db, field_work, which):
    first, last = _ranges()[which]
    board = db(_board, "coord", "大柳乡", first, last)
    counted = db(_raw_counted)
    township = db(_path_of, "大柳乡")
    expected = _expected(counted, township, first, last)
    assert _got(board.total.cells, expected.keys()) == expected, (first, last)


@pytest.mark.parametrize("which", [0, 2, 7, 8, 9])
def test_each_month_of_the_chart_holds_the_visits_made_in_it(db, field_work, as_user, which):
    made, _ = field_work
    earlier = [
        visit_entry(made["households"][0], recorded_at=days_ago(d), visited_at=days_ago(d))
        for d in (20, 40, 50, 380)
    ]
    _accepted(as_user("vol2"), *earlier)
    first, last = _ranges()[which]
    board = db(_board, "coord", "大柳乡", first, last)
    township = db(_path_of, "大柳乡")
    counted = [e for e in db(_raw_counted) if e["kind"] == "visit"]

    def made_in(bucket) -> int:
        start = dt.datetime.combine(bucket.first, dt.time(), ZONE)
        end = dt.datetime.combine(bucket.last + dt.timedelta(days=1), dt.time(), ZONE)
        return sum(
            1 for e in counted if (e["path"] or "").startswith(township) and start <= e["at"] < end
        )

    bars = [(b.first.isoformat(), n) for b, n in board.over_time]
    assert bars == [(b.first.isoformat(), made_in(b)) for b, _ in board.over_time]
    assert sum(n for _, n in bars) > 3


def _pieces(first: dt.date, last: dt.date, today: dt.date | None = None):
    """How a period is read: its tally spans, and its stretches of days as local days."""
    from server.reports.period import Period
    from server.reports.visit_counts import pieces

    got = pieces(Period("range", first, last, ZONE), today)
    days = [(a.astimezone(ZONE).date().isoformat(), b.astimezone(ZONE).date().isoformat(), s)
            for a, b, s in got.stretches]  # fmt: skip
    return got.spans, days


def test_a_period_is_read_from_month_tallies_and_edge_days():
    spans, days = _pieces(dt.date(2026, 3, 3), dt.date(2026, 6, 10))
    assert spans == [(202603, 202605, 1)]
    assert days == [("2026-03-01", "2026-03-03", -1), ("2026-06-01", "2026-06-11", 1)]


def test_a_whole_year_is_read_as_its_year_tally():
    assert _pieces(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == ([(202500, 202500, 1)], [])


def test_most_of_a_year_is_its_year_tally_less_what_it_leaves_out():
    spans, days = _pieces(dt.date(2025, 3, 3), dt.date(2025, 11, 30))
    assert spans == [(202500, 202500, 1), (202501, 202502, -1), (202512, 202512, -1)]
    assert days == [("2025-03-01", "2025-03-03", -1)]


def test_a_year_up_to_today_takes_away_no_days_to_come():
    spans, days = _pieces(dt.date(2026, 1, 1), dt.date(2026, 12, 3), dt.date(2026, 12, 3))
    assert spans == [(202600, 202600, 1)]
    assert days == [("2026-12-04", "2027-01-01", -1)]


def test_a_year_whose_days_so_far_are_mostly_left_out_is_read_by_its_months():
    spans, days = _pieces(dt.date(2026, 6, 1), dt.date(2026, 12, 31), dt.date(2026, 6, 20))
    assert spans == [(202606, 202612, 1)]
    assert days == []

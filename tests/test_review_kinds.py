"""审核 for every kind of entry: each is listed, filtered (area, team, volunteer, dates,
flagged), openable with its body, files and chain; of a corrected entry only the latest
is listed, a voided one marked."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.activity_helpers import signup_entry
from tests.admin_helpers import account_id, area_id, team_id
from tests.builders import (
    RECORDED_AT,
    correction_entry,
    jpeg_bytes,
    listed,
    patch_entry,
    push_results,
    put_file,
)
from tests.catalogue_helpers import (
    item_ids,
    medicine_entry,
    member_ids,
    purchase_entry,
    supply_entry,
)
from tests.checkin_helpers import TEAM, entry_flags, local, mark, team_activity
from tests.helpers import household_ids_of
from tests.review_helpers import small_village
from tests.support import ORIGIN

SCHOOL = {"place": "华家河村小学", "people": 32, "description": "留守儿童"}
DELIVERED = RECORDED_AT[:10]
"""The local day the built deliveries, handouts, purchases and household edits took place."""
TRAINING_DAY = "2026-12-20"
"""The day of the team's training (``team_activity``)."""


def _training(activity: int) -> dict:
    entry = signup_entry(activity)
    entry["kind"] = "training_count"
    entry["data"] = {"activity_id": str(activity), "category": "public", "headcount": 40}
    return entry


@pytest.fixture
def sent(as_user, db, vol1):
    """One entry of every kind, by vol1 (郧阳区): ``{kind: (entry, local day)}``."""
    db(small_village)  # and coord_fx, the coordinator of 房县
    coord = as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    medicines, supplies = db(item_ids, "medicine"), db(item_ids, "supplies")
    products = db(item_ids, "products")
    activity, _ = team_activity(db, coord, kind="first_aid_training", signup="on")
    photo = jpeg_bytes()
    handout = supply_entry(household, supplies["写字本"])
    handout["attachments"] = [listed("photo", photo)]
    entries = {
        "medicine_delivery": medicine_entry(
            household, db(member_ids, household)[0], next(iter(medicines.values()))
        ),
        "supply_handout": handout,
        "group_handout": supply_entry(None, supplies["写字本"], group=SCHOOL),
        "purchase": purchase_entry(household, next(iter(products.values()))),
        "household_patch": patch_entry(household, 1, phone="13900000001"),
        "activity_signup": signup_entry(activity),
        "check_in": mark("check_in", activity, local("2026-12-20T09:05")),
        "check_out": mark("check_out", activity, local("2026-12-20T11:20")),
        "training_count": _training(activity),
    }
    results = push_results(vol1, list(entries.values()))
    assert [r["status"] for r in results] == ["accepted"] * len(entries), results
    assert put_file(vol1, handout["id"], "photo", photo).status_code == 200
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    days = {"activity_signup": today, "check_in": TRAINING_DAY, "check_out": TRAINING_DAY}
    days["training_count"] = TRAINING_DAY
    return {k: (e, days.get(k, DELIVERED)) for k, e in entries.items()}


def _kind(name: str) -> str:
    return "supply_handout" if name == "group_handout" else name


def _listed(client, query: str = "", path: str = "/review") -> list[str]:
    response = client.get(f"{path}{query}")
    assert response.status_code == 200, response.text
    return re.findall(r'data-entry="([0-9a-f-]{36})"', response.text)


def _day(day: str, shift: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=shift)).isoformat()


def test_every_kind_is_listed_under_its_kind(as_user, sent):
    coord = as_user("coord")
    for name, (entry, _) in sent.items():
        assert entry["id"] in _listed(coord, f"?kind={_kind(name)}"), name
        others = [k for k in sent if _kind(k) != _kind(name)]
        assert all(sent[k][0]["id"] not in _listed(coord, f"?kind={_kind(name)}") for k in others)


def test_the_area_team_and_volunteer_filters_work_for_every_kind(as_user, db, sent):
    coord = as_user("coord")
    yunyang, fang = db(area_id, "郧阳区"), db(area_id, "房县")
    ours, theirs = db(team_id, TEAM), db(team_id, "房县志愿服务队")
    vol1, vol2 = db(account_id, "vol1"), db(account_id, "vol2")
    for name, (entry, _) in sent.items():
        kind = f"?kind={_kind(name)}"
        for query in (
            f"&area={yunyang}",
            f"&place={yunyang}",
            f"&team={ours}",
            f"&volunteer={vol1}",
        ):
            assert entry["id"] in _listed(coord, kind + query), (name, query)
        for query in (f"&area={fang}", f"&place={fang}", f"&team={theirs}", f"&volunteer={vol2}"):
            assert entry["id"] not in _listed(coord, kind + query), (name, query)


def test_the_date_filters_include_both_days_for_every_kind(as_user, sent):
    coord = as_user("coord")
    for name, (entry, day) in sent.items():
        kind = _kind(name)
        assert entry["id"] in _listed(coord, f"?kind={kind}&from={day}&to={day}"), name
        assert entry["id"] in _listed(coord, f"?kind={kind}&since={day}&until={day}"), name
        assert entry["id"] not in _listed(coord, f"?kind={kind}&from={_day(day, 1)}"), name
        assert entry["id"] not in _listed(coord, f"?kind={kind}&to={_day(day, -1)}"), name


def test_the_flagged_filter_works_for_every_kind(as_user, db, sent):
    from server.entries.tables import Entry

    coord = as_user("coord")
    db(_flag, Entry, [sent["purchase"][0]["id"], sent["group_handout"][0]["id"]])
    flags = db(entry_flags, [e["id"] for e, _ in sent.values()])
    flagged = [i for i, flag in flags.items() if flag]
    assert len(flagged) < len(sent)
    for name, (entry, _) in sent.items():
        kind = _kind(name)
        shown = entry["id"] in _listed(coord, f"?kind={kind}&flagged=1")
        assert shown == (entry["id"] in flagged), name
        assert (entry["id"] in _listed(coord, f"?kind={kind}", "/review/flagged")) == shown


async def _flag(entry_table, ids: list[str]) -> None:
    import uuid

    await entry_table.update({entry_table.flag: "pairing_ended"}).where(
        entry_table.id.is_in([uuid.UUID(i) for i in ids])
    )


def test_a_coordinator_of_another_area_sees_no_entry_of_any_kind(as_user, sent):
    other = as_user("coord_fx")
    listed_there = _listed(other)
    for name, (entry, _) in sent.items():
        assert entry["id"] not in listed_there, name
        assert other.get(f"/review/entries/{entry['id']}").status_code == 404, name


def test_each_entry_opens_with_its_body_and_its_files(as_user, sent):
    coord = as_user("coord")
    for name, (entry, _) in sent.items():
        page = coord.get(f"/review/entries/{entry['id']}")
        assert page.status_code == 200, name
        assert entry["recorded_at"] in page.text, name
    handout = sent["supply_handout"][0]
    page = coord.get(f"/review/entries/{handout['id']}").text
    link = f"/api/sync/attachments/{handout['id']}/photo"
    assert link in page
    assert coord.get(link, headers={"Origin": ORIGIN}).status_code == 200
    assert as_user("coord_fx").get(link, headers={"Origin": ORIGIN}).status_code == 404


def test_a_corrected_entry_is_listed_once_with_its_latest_entry(as_user, sent):
    vol1 = as_user("vol1")
    purchase = sent["purchase"][0]
    fixed = correction_entry(purchase["id"], {**purchase["data"], "amount_fen": 1500}, "记错了")
    assert push_results(vol1, [fixed])[0]["status"] == "accepted"
    coord = as_user("coord")
    shown = _listed(coord, "?kind=purchase")
    assert fixed["id"] in shown and purchase["id"] not in shown
    page = coord.get(f"/review/entries/{fixed['id']}").text
    assert re.findall(r'data-link="([0-9a-f-]{36})"', page) == [purchase["id"], fixed["id"]]
    assert "1500" in page


def test_a_voided_entry_is_listed_struck_through_and_marked(as_user, sent):
    vol1 = as_user("vol1")
    delivery = sent["medicine_delivery"][0]
    void = correction_entry(delivery["id"], None, "送错了户")
    assert push_results(vol1, [void])[0]["status"] == "accepted"
    page = as_user("coord").get("/review?kind=medicine_delivery").text
    row = re.search(
        rf'<li class="([^"]*)" data-entry="{delivery["id"]}"[^>]*>(.*?)</li>', page, re.S
    )
    assert row is not None
    assert "voided" in row.group(1).split() and "已作废" in row.group(2)


def test_the_list_service_yields_every_row_of_a_filter(db, sent):
    rows = db(_every_row, "supply_handout")
    assert {sent["supply_handout"][0]["id"], sent["group_handout"][0]["id"]} <= set(rows)
    assert len(rows) == len(set(rows))


async def _every_row(kind: str) -> list[str]:
    from server.accounts.service import load_actor
    from server.review import service
    from server.review.filters import ReviewFilter

    actor = await load_actor(await account_id("coord"))
    return [str(r["entry_id"]) async for r in service.rows(actor, ReviewFilter(kind=kind), 1)]

"""审核 of household edits (``household_patch``): listed as their own kind under the same
filters and scope as every other kind, a conflicting one flagged, each openable with its
body, and in the list's export."""

from __future__ import annotations

import re

import pytest

from tests.builders import patch_entry, push_results
from tests.export_helpers import csv_rows
from tests.review_helpers import small_village


@pytest.fixture
def place(db):
    return db(small_village)


def _listed(client, query: str = "", path: str = "/review") -> list[str]:
    response = client.get(f"{path}{query}")
    assert response.status_code == 200, response.text
    return re.findall(r'data-entry="([0-9a-f-]{36})"', response.text)


def _edit(client, household: int, device: str = "device-1", **changes) -> dict:
    entry = patch_entry(household, 1, **changes)
    [result] = push_results(client, [entry], device_id=device)
    assert result["status"] in {"accepted", "conflict"}, result
    return {**entry, "status": result["status"]}


def test_a_household_edit_is_listed_under_its_kind(as_user, place):
    [household, *_] = place["households"]
    edit = _edit(as_user("vol2"), household, phone="13900000001")
    page = as_user("coord").get("/review?kind=household_patch").text
    row = re.search(rf'<li class="[^"]*" data-entry="{edit["id"]}"[^>]*>(.*?)</li>', page, re.S)
    assert row is not None
    assert "修改住户信息" in row.group(1) and "试点户0" in row.group(1)
    assert "试点村" in row.group(1)
    assert edit["id"] not in _listed(as_user("coord"), "?kind=visit")


def test_the_kind_filter_offers_household_edits(as_user, place):
    page = as_user("coord").get("/review").text
    assert '<option value="household_patch">修改住户信息</option>' in page


def test_a_coordinator_of_another_area_does_not_see_a_household_edit(as_user, place):
    [household, *_] = place["households"]
    edit = _edit(as_user("vol2"), household, phone="13900000001")
    other = as_user("coord_fx")
    assert edit["id"] not in _listed(other)
    assert edit["id"] not in _listed(other, "?kind=household_patch")
    assert edit["id"] not in _listed(other, "?kind=household_patch&flagged=1")
    assert other.get(f"/review/entries/{edit['id']}").status_code == 404
    assert edit["id"] in _listed(as_user("coord"), "?kind=household_patch")


def test_a_conflicting_household_edit_is_flagged(as_user, place):
    [household, *_] = place["households"]
    vol2 = as_user("vol2")
    first = _edit(vol2, household, "phone-A", phone="13900000001")
    second = _edit(vol2, household, "phone-B", phone="13900000002")
    assert (first["status"], second["status"]) == ("accepted", "conflict")
    coord = as_user("coord")
    assert _listed(coord, "?kind=household_patch&flagged=1") == [second["id"]]
    assert _listed(coord, "?kind=household_patch", "/review/flagged") == [second["id"]]
    assert set(_listed(coord, "?kind=household_patch")) == {first["id"], second["id"]}


def test_a_household_edit_opens_with_its_body(as_user, place):
    [household, *_] = place["households"]
    edit = _edit(as_user("vol2"), household, address="试点村3组12号")
    page = as_user("coord").get(f"/review/entries/{edit['id']}")
    assert page.status_code == 200
    body = re.search(r'<pre class="card" id="entry-body"[^>]*>(.*?)</pre>', page.text, re.S)
    assert body is not None and "试点村3组12号" in body.group(1)
    assert edit["recorded_at"] in page.text and "<h1>修改住户信息</h1>" in page.text


def test_the_review_export_carries_household_edits(as_user, place):
    [household, *_] = place["households"]
    edit = _edit(as_user("vol2"), household, phone="13900000001")
    [_header, *rows] = csv_rows(as_user("coord").get("/exports/review.csv?kind=household_patch"))
    [row] = [r for r in rows if r[6] == edit["id"]]
    assert (row[1], row[2]) == ("修改住户信息", "试点户0")
    theirs = csv_rows(as_user("coord_fx").get("/exports/review.csv?kind=household_patch"))
    assert theirs[1:] == []


async def _forget_patch_rows() -> None:
    from server.entries.kinds.household_patch import HouseholdPatch

    await HouseholdPatch.delete(force=True)


async def _patch_rows() -> list[dict]:
    from server.entries.kinds.household_patch import HouseholdPatch

    return await HouseholdPatch.select().order_by(HouseholdPatch.edited_at)


async def _run_raw(module) -> None:
    manager = await module.forwards()
    for step in manager.raw:
        await step()


def test_the_migration_writes_the_rows_of_edits_stored_before_it(as_user, db, place):
    import datetime as dt
    import importlib

    [household, *_] = place["households"]
    edit = _edit(as_user("vol2"), household, phone="13900000001")
    before = db(_patch_rows)
    db(_forget_patch_rows)
    assert _listed(as_user("coord"), "?kind=household_patch") == []
    module = importlib.import_module("migrations.doorstep_2026_12_02t19_17_14_000000")
    db(_run_raw, module)
    [row] = db(_patch_rows)
    assert (str(row["entry"]), row["household"], row["base_version"]) == (edit["id"], household, 1)
    assert row["edited_at"] == dt.datetime.fromisoformat(edit["recorded_at"])
    assert [{k: v for k, v in r.items() if k != "id"} for r in before] == [
        {k: v for k, v in row.items() if k != "id"}
    ]
    assert _listed(as_user("coord"), "?kind=household_patch") == [edit["id"]]

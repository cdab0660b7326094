"""Coordinators see households flagged by racing edits, both values side by side; they resolve."""

from __future__ import annotations

import re

from tests.builders import patch_entry, push
from tests.helpers import household_ids_of
from tests.pull_helpers import household_row, of_kind, pull_all
from tests.support import csrf, form_fields


def race(client, household: int, first: dict, second: dict) -> None:
    """Two phones patch ``household`` from version 1: the second one is flagged."""
    push(client, [patch_entry(household, 1, **first)], device_id="phone-A")
    [result] = push(client, [patch_entry(household, 1, **second)], device_id="phone-B").json()[
        "results"
    ]
    assert result["status"] == "conflict"


def flag_ids(html: str) -> list[str]:
    return re.findall(r'data-flag="(\d+)"', html)


async def open_flags(household_id: int) -> list[dict]:
    from server.conflicts.tables import HouseholdFlag

    return await HouseholdFlag.select().where(
        (HouseholdFlag.household == household_id) & HouseholdFlag.resolved_at.is_null()
    )


async def resolution_audits(household_id: int) -> list[dict]:
    from server.audit.tables import AuditLog

    return await AuditLog.select().where(AuditLog.action == "household_flag.resolve")


def resolve(coord, household: int, **choices):
    """Post the resolution form of the household's first open flag."""
    page = coord.get(f"/households/{household}/conflicts").text
    [flag, *_] = flag_ids(page)
    fields = {k: v for k, v in form_fields(page).items() if not k.startswith("custom.")}
    fields.update(choices)
    fields["_csrf_token"] = csrf(coord)
    return coord.post(
        f"/households/{household}/conflicts/{flag}", data=fields, follow_redirects=False
    )


def test_the_coordinator_sees_the_flagged_household_with_both_values(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    page = coord.get("/conflicts")
    assert page.status_code == 200
    row = re.search(r'<tr class="hard" data-field="phone">(.*?)</tr>', page.text, re.S).group(1)
    assert re.findall(r"1390000000\d", row) == ["13900000001", "13900000002"]
    assert "同一项目被修改两次" in page.text


def test_the_today_page_links_a_coordinator_to_the_conflicts(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"address": "大柳村1组1号"})
    assert re.search(r'href="/conflicts">修改冲突 \(1\)', coord.get("/").text)
    assert 'href="/conflicts"' not in vol1.get("/").text


def test_choosing_the_other_value_applies_it_closes_the_flag_and_is_audited(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    response = resolve(coord, household, **{"choice.phone": "theirs"})
    assert response.status_code == 303
    assert db(household_row, household)["phone"] == "13900000001"
    assert db(open_flags, household) == []
    [audit] = db(resolution_audits, household)
    assert audit["actor"] is not None
    assert "13900000001" in audit["after"]


def test_a_typed_merged_value_is_applied_through_the_versioned_path(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"address": "大柳村1组"}, {"address": "1号"})
    _, cursor = pull_all(vol1)
    response = resolve(
        coord, household, **{"choice.address": "custom", "custom.address": "大柳村1组1号"}
    )
    assert response.status_code == 303
    row = db(household_row, household)
    assert (row["address"], row["version"]) == ("大柳村1组1号", 4)
    [change] = of_kind(pull_all(vol1, cursor)[0], "household")
    assert change["data"]["address"] == "大柳村1组1号"


def test_keeping_the_current_value_closes_the_flag_without_a_new_version(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    assert resolve(coord, household, **{"choice.phone": "mine"}).status_code == 303
    assert db(household_row, household)["version"] == 3
    assert db(open_flags, household) == []


def test_a_form_without_a_choice_is_shown_again_with_the_problem(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    response = resolve(coord, household, **{"choice.phone": ""})
    assert response.status_code == 422
    assert "请选择一个值。" in response.text
    assert len(db(open_flags, household)) == 1


def test_a_bad_merged_phone_number_is_refused(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    response = resolve(coord, household, **{"choice.phone": "custom", "custom.phone": "call me"})
    assert response.status_code == 422
    assert db(household_row, household)["phone"] == "13900000002"


def test_a_household_changed_while_deciding_is_not_resolved_blindly(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    page = coord.get(f"/households/{household}/conflicts").text
    push(vol1, [patch_entry(household, 3, address="华家河村2组")], device_id="phone-B")
    fields = {k: v for k, v in form_fields(page).items() if not k.startswith("custom.")}
    fields.update({"choice.phone": "theirs", "_csrf_token": csrf(coord)})
    [flag] = flag_ids(page)
    response = coord.post(f"/households/{household}/conflicts/{flag}", data=fields)
    assert response.status_code == 409
    assert db(household_row, household)["phone"] == "13900000002"
    assert len(db(open_flags, household)) == 1


def test_resolving_without_the_csrf_token_is_refused(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    [flag] = flag_ids(coord.get(f"/households/{household}/conflicts").text)
    response = coord.post(
        f"/households/{household}/conflicts/{flag}", data={"choice.phone": "theirs"}
    )
    assert response.status_code == 403
    assert len(db(open_flags, household)) == 1


def test_a_volunteer_cannot_open_the_conflict_pages(as_user, db):
    vol1 = as_user("vol1")
    [household, *_] = db(household_ids_of, "vol1")
    race(vol1, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    assert vol1.get("/conflicts").status_code == 404
    assert vol1.get(f"/households/{household}/conflicts").status_code == 404


def test_a_household_outside_the_coordinators_areas_is_404(as_user, db):
    vol3, coord = as_user("vol3"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol3")
    race(vol3, household, {"phone": "13900000001"}, {"phone": "13900000002"})
    assert flag_ids(coord.get("/conflicts").text) == []
    assert coord.get(f"/households/{household}/conflicts").status_code == 404

"""``household_patch``: applied in arrival order; flagged only when someone else changed the
household since the phone's base version (DESIGN §3.3)."""

from __future__ import annotations

import json
import uuid

from tests.builders import patch_entry, push
from tests.helpers import household_ids_of
from tests.pull_helpers import account_id, household_row, of_kind, pair, pull_all
from tests.support import csrf, form_fields


async def open_flags(household_id: int) -> list[dict]:
    from server.conflicts.tables import HouseholdFlag

    rows = await HouseholdFlag.select().where(
        (HouseholdFlag.household == household_id) & HouseholdFlag.resolved_at.is_null()
    )
    return [{**r, "values": json.loads(r["values"])} for r in rows]


async def members_of(household_id: int) -> dict[str, dict]:
    from server.households.tables import Member

    rows = await Member.select().where(Member.household == household_id)
    return {str(r["id"]): r for r in rows}


def coordinator_edits(coord, household_id: int, **values) -> None:
    """A coordinator changes the household through its edit form."""
    page = coord.get(f"/households/{household_id}/edit")
    fields = {**form_fields(page.text), **values, "_csrf_token": csrf(coord)}
    response = coord.post(f"/households/{household_id}/edit", data=fields, follow_redirects=False)
    assert response.headers["location"] == f"/households/{household_id}?saved=accepted"


def result_of(response) -> dict:
    assert response.status_code == 200, response.text
    [result] = response.json()["results"]
    return result


def test_a_patch_on_the_current_version_is_applied_and_raises_the_version(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    result = result_of(push(vol1, [patch_entry(household, 1, phone="13900000001")]))
    assert result["status"] == "accepted"
    row = db(household_row, household)
    assert (row["phone"], row["version"]) == ("13900000001", 2)
    assert db(open_flags, household) == []


def test_two_phones_changing_the_same_field_give_a_hard_flag_with_both_values(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    first = push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")
    second = push(vol1, [patch_entry(household, 1, phone="13900000002")], device_id="phone-B")
    assert result_of(first)["status"] == "accepted"
    result = result_of(second)
    assert (result["status"], result["code"]) == ("conflict", "conflict_hard")
    [flag] = db(open_flags, household)
    assert flag["severity"] == "hard"
    assert (flag["values"]["phone"]["theirs"], flag["values"]["phone"]["mine"]) == (
        "13900000001",
        "13900000002",
    )
    assert db(household_row, household)["phone"] == "13900000002"


def test_two_phones_changing_different_fields_give_a_soft_flag_and_both_apply(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")
    second = push(vol1, [patch_entry(household, 1, address="大柳村1组1号")], device_id="phone-B")
    result = result_of(second)
    assert (result["status"], result["code"]) == ("conflict", "conflict_soft")
    [flag] = db(open_flags, household)
    assert flag["severity"] == "soft"
    assert flag["values"]["phone"]["theirs"] == "13900000001"
    assert flag["values"]["address"]["mine"] == "大柳村1组1号"
    row = db(household_row, household)
    assert (row["phone"], row["address"], row["version"]) == ("13900000001", "大柳村1组1号", 3)


def test_two_volunteers_phones_changing_the_same_field_give_a_hard_flag(as_user, db):
    vol1, vol2 = as_user("vol1"), as_user("vol2")
    [household, *_] = db(household_ids_of, "vol1")
    db(pair, "vol2", household)
    push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")
    result = result_of(push(vol2, [patch_entry(household, 1, phone="13900000002")], "phone-B"))
    assert result["code"] == "conflict_hard"


def test_one_phones_second_offline_edit_never_conflicts_with_its_first(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    first = patch_entry(household, 1, phone="13900000001")
    second = patch_entry(household, 1, phone="13900000002", address="刘家沟村2组5号")
    results = push(vol1, [first, second], device_id="phone-A").json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert db(open_flags, household) == []
    row = db(household_row, household)
    assert (row["phone"], row["version"]) == ("13900000002", 3)


def test_one_phones_edits_sent_in_two_syncs_never_conflict_either(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")
    result = result_of(
        push(vol1, [patch_entry(household, 1, phone="13900000002")], device_id="phone-A")
    )
    assert result["status"] == "accepted"
    assert db(open_flags, household) == []


def test_a_coordinator_edit_then_a_phone_patch_on_the_old_base_is_flagged(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    coordinator_edits(coord, household, phone="13900000009")
    result = result_of(push(vol1, [patch_entry(household, 1, phone="13900000002")]))
    assert result["code"] == "conflict_hard"
    [flag] = db(open_flags, household)
    assert flag["values"]["phone"]["theirs"] == "13900000009"


def test_a_phone_patch_on_the_version_after_a_coordinator_edit_is_not_flagged(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    coordinator_edits(coord, household, phone="13900000009")
    result = result_of(push(vol1, [patch_entry(household, 2, phone="13900000002")]))
    assert result["status"] == "accepted"


def test_a_field_sent_unchanged_never_reverts_someone_elses_edit(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    old_phone = db(household_row, household)["phone"]
    coordinator_edits(coord, household, phone="13900000009")
    push(vol1, [patch_entry(household, 1, phone=old_phone, address="华家河村9组9号")])
    row = db(household_row, household)
    assert (row["phone"], row["address"]) == ("13900000009", "华家河村9组9号")


def test_the_conflict_message_says_in_chinese_that_the_edit_went_through(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")
    result = result_of(push(vol1, [patch_entry(household, 1, phone="13900000002")], "phone-B"))
    assert result["error"].startswith("已保存")


def test_the_conflicting_entry_is_listed_as_conflict_on_the_phone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    _, cursor = pull_all(vol1)
    push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")
    entry = patch_entry(household, 1, phone="13900000002")
    push(vol1, [entry], device_id="phone-B")
    changes, _ = pull_all(vol1, cursor)
    [listed] = [c for c in of_kind(changes, "entry") if c["id"] == entry["id"]]
    assert (listed["data"]["status"], listed["data"]["flag"]) == ("conflict", "conflict_hard")


def test_a_resent_patch_is_a_duplicate_and_is_not_applied_twice(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    entry = patch_entry(household, 1, phone="13900000001")
    push(vol1, [entry], device_id="phone-A")
    assert result_of(push(vol1, [entry], device_id="phone-A"))["status"] == "duplicate"
    assert db(household_row, household)["version"] == 2


def test_a_new_member_gets_the_id_the_phone_made_and_a_later_edit_can_use_it(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    member_id = str(uuid.uuid4())
    added = {"id": member_id, "name": "王小明", "relation": "孙子女", "birth_year": 2015}
    renamed = {**added, "name": "王晓明"}
    entries = [
        patch_entry(household, 1, members=[added]),
        patch_entry(household, 1, members=[renamed]),
    ]
    results = push(vol1, entries, device_id="phone-A").json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    assert db(members_of, household)[member_id]["name"] == "王晓明"


def test_a_member_can_be_taken_off_the_household(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    [(member_id, member), *_] = db(members_of, household).items()
    gone = {
        "id": member_id,
        "name": member["name"],
        "relation": member["relation"],
        "birth_year": member["birth_year"],
        "removed": True,
    }
    push(vol1, [patch_entry(household, 1, members=[gone])])
    assert db(members_of, household)[member_id]["removed"] is True


def test_a_member_of_another_household_is_rejected(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    [other, *_] = db(household_ids_of, "vol2")
    [(member_id, member), *_] = db(members_of, other).items()
    stolen = {"id": member_id, "name": "x", "relation": "", "birth_year": None}
    result = result_of(push(vol1, [patch_entry(household, 1, members=[stolen])]))
    assert (result["status"], result["code"]) == ("rejected", "unknown_member")
    assert db(members_of, other)[member_id]["name"] == member["name"]


def test_a_patch_for_a_household_never_in_scope_is_rejected(vol1, db):
    [other, *_] = db(household_ids_of, "vol3")
    result = result_of(push(vol1, [patch_entry(other, 1, phone="13900000001")]))
    assert (result["status"], result["code"]) == ("rejected", "out_of_scope")
    assert db(household_row, other)["version"] == 1


def test_an_unknown_field_in_the_changes_is_rejected(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    result = result_of(push(vol1, [patch_entry(household, 1, head_name="改名")]))
    assert (result["status"], result["code"]) == ("rejected", "invalid_data")


def test_each_version_records_its_device_and_author_and_is_audited(vol1, db):
    from server.audit.tables import AuditLog
    from server.households.tables import HouseholdVersion

    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [patch_entry(household, 1, phone="13900000001")], device_id="phone-A")

    async def records():
        version = await HouseholdVersion.select().where(HouseholdVersion.household == household)
        audits = await AuditLog.select().where(
            (AuditLog.action == "household.update") & (AuditLog.row_id == str(household))
        )
        return version, audits

    [version], [audit] = db(records)
    assert (version["version"], version["device_id"], version["source"]) == (2, "phone-A", "field")
    assert version["actor"] == db(account_id, "vol1")
    assert audit["actor"] == db(account_id, "vol1")

"""Editing a household with no network: a ``household_patch`` in the outbox, its trip to the
server, and the flags racing edits raise (DESIGN §3.3)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.phone import SAVED, stored_entries
from tests.browser.test_offline_reading import logged_in
from tests.helpers import household_ids_of
from tests.pull_helpers import household_row

pytestmark = pytest.mark.browser

HARD_CONFLICT = "期间有其他人修改了该住户的同一项信息"


async def open_flags(household_id: int) -> list[dict]:
    from server.conflicts.tables import HouseholdFlag

    rows = await HouseholdFlag.select().where(
        (HouseholdFlag.household == household_id) & HouseholdFlag.resolved_at.is_null()
    )
    return [{**r, "values": json.loads(r["values"])} for r in rows]


async def patches_of(household_id: int) -> list[dict]:
    """The ``household_patch`` entries the server stored for a household."""
    return [
        r
        for r in await stored_entries()
        if r["kind"] == "household_patch"
        and json.loads(r["body"])["data"]["household_id"] == str(household_id)
    ]


def edit_offline(device, household: int, **values: str) -> None:
    """Open the kept edit form, change ``values``, save; waits for 已保存，待同步."""
    assert device.open(f"/households/{household}/edit").from_service_worker
    for name, value in values.items():
        device.page.fill(f"#household-form [name='{name}']", value)
    device.page.locator("#status").evaluate("el => { el.textContent = '' }")
    device.page.click("#household-form button[type=submit]")
    expect(device.page.locator("#status")).to_have_text(SAVED)


def test_an_offline_edit_reaches_the_server_once(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = db(household_row, household)
    logged_in(phone)
    context.set_offline(True)
    edit_offline(phone, household, phone="13900001111", address="三组12号")
    [record] = phone.waiting()
    assert record["kind"] == "household_patch"
    assert record["data"] == {
        "household_id": str(household),
        "base_version": before["version"],
        "changes": {"phone": "13900001111", "address": "三组12号"},
    }
    assert db(patches_of, household) == []
    context.set_offline(False)
    phone.wait_until_drained()
    after = db(household_row, household)
    assert (after["phone"], after["address"]) == ("13900001111", "三组12号")
    assert after["version"] == before["version"] + 1
    [stored] = db(patches_of, household)
    assert stored["id"] == record["id"]
    assert db(open_flags, household) == []


def test_a_form_saved_unchanged_stores_nothing(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    assert phone.open(f"/households/{household}/edit").from_service_worker
    phone.page.click("#household-form button[type=submit]")
    expect(phone.page.locator("#status")).to_have_text("没有任何修改，所以没有保存。")
    assert phone.outbox() == []


def test_two_phones_editing_the_same_field_offline_give_a_hard_flag(
    phone, context, other_phone, db
):
    [household, *_] = db(household_ids_of, "vol1")
    before = db(household_row, household)
    second = other_phone()
    logged_in(phone)
    logged_in(second)
    context.set_offline(True)
    second.page.context.set_offline(True)
    edit_offline(phone, household, phone="13900002222")
    edit_offline(second, household, phone="13900003333")
    context.set_offline(False)
    phone.wait_until_drained()
    second.page.context.set_offline(False)
    second.wait_until_drained()
    expect(second.page.locator("#status")).to_contain_text(HARD_CONFLICT)
    assert [r["code"] for r in second.outbox()] == ["conflict"]
    after = db(household_row, household)
    assert after["phone"] == "13900003333"
    assert after["version"] == before["version"] + 2
    assert len(db(patches_of, household)) == 2
    [flag] = db(open_flags, household)
    assert flag["severity"] == "hard"
    values = json.dumps(flag["values"], ensure_ascii=False)
    assert "13900002222" in values and "13900003333" in values  # nothing lost


def test_one_phones_two_offline_edits_raise_no_flag(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = db(household_row, household)
    logged_in(phone)
    context.set_offline(True)
    edit_offline(phone, household, phone="13900004444")
    edit_offline(phone, household, phone="13900005555", address="五组3号")
    first, second = sorted(phone.waiting(), key=lambda r: r["seq"])
    assert first["data"]["base_version"] == second["data"]["base_version"] == before["version"]
    context.set_offline(False)
    phone.wait_until_drained()
    after = db(household_row, household)
    assert (after["phone"], after["address"]) == ("13900005555", "五组3号")
    assert after["version"] == before["version"] + 2
    assert db(open_flags, household) == []


def test_the_worker_keeps_an_edit_form_post_the_page_script_did_not_take(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    assert phone.open(f"/households/{household}/edit").from_service_worker
    phone.page.fill("#phone", "13900006666")
    with phone.page.expect_navigation():
        # form.submit() fires no submit event: the page script never sees it.
        phone.page.evaluate("document.getElementById('household-form').submit()")
    expect(phone.page.locator("#status")).to_have_text(SAVED)
    [record] = phone.waiting()
    assert record["data"]["changes"] == {"phone": "13900006666"}
    context.set_offline(False)
    phone.wait_until_drained()
    assert db(household_row, household)["phone"] == "13900006666"


def test_a_full_width_birth_year_saved_twice_is_one_change(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    logged_in(phone)
    context.set_offline(True)
    edit_offline(phone, household, **{"members.0.birth_year": "１９７７"})
    # The form now shows what was kept: saving it again is no change.
    phone.page.click("#household-form button[type=submit]")
    expect(phone.page.locator("#status")).to_have_text("没有任何修改，所以没有保存。")
    [record] = phone.waiting()
    assert record["data"]["changes"]["members"][0]["birth_year"] == 1977
    context.set_offline(False)
    phone.wait_until_drained()
    assert len(db(patches_of, household)) == 1

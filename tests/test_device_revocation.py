"""A coordinator revokes a device; its next push or pull answers 410 ``device_revoked``."""

from __future__ import annotations

import re

from tests.builders import push, visit_entry
from tests.helpers import household_ids_of
from tests.pull_helpers import pull
from tests.support import csrf


def device_row_id(coord, device_id: str) -> str:
    page = coord.get("/devices").text
    for row_id, block in re.findall(r'data-device="(\d+)">(.*?)</li>', page, re.S):
        if device_id[:8] in block:
            return row_id
    raise AssertionError(f"{device_id} is not listed")


def revoke(coord, row_id: str):
    return coord.post(
        f"/devices/{row_id}/revoke", data={"_csrf_token": csrf(coord)}, follow_redirects=False
    )


async def stored(entry_id: str) -> bool:
    from server.entries.tables import Entry

    return await Entry.exists().where(Entry.id == entry_id)


def test_a_revoked_devices_next_push_is_410_and_stores_nothing(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit_entry(household)], device_id="lost-phone-1")
    assert revoke(coord, device_row_id(coord, "lost-phone-1")).status_code == 303
    entry = visit_entry(household)
    response = push(vol1, [entry], device_id="lost-phone-1")
    assert response.status_code == 410
    assert response.json()["code"] == "device_revoked"
    assert response.json()["error"] == "该设备已被工作人员停用，设备上保存的数据正在清除。"
    assert not db(stored, entry["id"])


def test_a_revoked_devices_next_pull_is_410(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit_entry(household)], device_id="lost-phone-1")
    revoke(coord, device_row_id(coord, "lost-phone-1"))
    response = pull(vol1, device_id="lost-phone-1")
    assert response.status_code == 410
    assert response.json()["code"] == "device_revoked"


def test_the_accounts_other_devices_keep_syncing(as_user, db):
    lost, other, coord = as_user("vol1"), as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    push(lost, [visit_entry(household)], device_id="lost-phone-1")
    push(other, [visit_entry(household)], device_id="new-phone-2")
    revoke(coord, device_row_id(coord, "lost-phone-1"))
    assert pull(other, device_id="new-phone-2").status_code == 200
    assert push(other, [visit_entry(household)], device_id="new-phone-2").status_code == 200
    assert other.get("/", follow_redirects=False).status_code == 200


def test_revoking_a_device_logs_its_browser_out_of_the_pages(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit_entry(household)], device_id="lost-phone-1")
    revoke(coord, device_row_id(coord, "lost-phone-1"))
    response = vol1.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_revoked_devices_session_cannot_pull_under_a_new_device_id(as_user, db):
    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit_entry(household)], device_id="lost-phone-1")
    revoke(coord, device_row_id(coord, "lost-phone-1"))
    response = pull(vol1, device_id="made-up-phone-9")
    assert response.status_code == 410
    assert response.json()["code"] == "device_revoked"


def test_revoking_is_audited(as_user, db):
    from server.audit.tables import AuditLog

    vol1, coord = as_user("vol1"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit_entry(household)], device_id="lost-phone-1")
    revoke(coord, device_row_id(coord, "lost-phone-1"))

    async def audits():
        return await AuditLog.select().where(AuditLog.action == "device.revoke")

    [audit] = db(audits)
    assert "lost-phone-1" in audit["after"]


def test_a_volunteer_cannot_list_or_revoke_devices(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit_entry(household)], device_id="lost-phone-1")
    assert vol1.get("/devices").status_code == 404
    assert revoke(vol1, "1").status_code == 404
    assert pull(vol1, device_id="lost-phone-1").status_code == 200


def test_a_coordinator_cannot_revoke_a_device_outside_their_areas(as_user, db):
    vol3, coord = as_user("vol3"), as_user("coord")
    [household, *_] = db(household_ids_of, "vol3")
    push(vol3, [visit_entry(household)], device_id="far-phone-1")
    assert "far-phon" not in coord.get("/devices").text

    async def row_id():
        from server.sync.tables import Device

        row = await Device.select(Device.id).where(Device.device_id == "far-phone-1").first()
        return str(row["id"])

    assert revoke(coord, db(row_id)).status_code == 404
    assert pull(vol3, device_id="far-phone-1").status_code == 200

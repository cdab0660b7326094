"""``POST /api/sync/push``: the contract of DESIGN §3.2."""

from __future__ import annotations

import json

from tests.builders import push
from tests.builders import visit_entry as visit
from tests.helpers import household_ids_of
from tests.support import ORIGIN


def test_an_entry_is_accepted_then_a_resend_is_a_duplicate(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    entry = visit(household)
    first = push(vol1, [entry])
    second = push(vol1, [entry])
    assert first.status_code == 200
    assert first.json()["results"] == [
        {"id": entry["id"], "status": "accepted", "code": "", "error": ""}
    ]
    assert second.json()["results"][0]["status"] == "duplicate"


def test_the_same_id_with_different_content_is_rejected_as_id_reused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    entry = visit(household)
    push(vol1, [entry])
    changed = {**entry, "data": {**entry["data"], "follow_up": True, "follow_up_note": "x"}}
    [result] = push(vol1, [changed]).json()["results"]
    assert result["status"] == "rejected"
    assert result["code"] == "id_reused"
    assert result["error"] == "该条目编号已用于不同的内容。"


def test_one_invalid_entry_does_not_block_its_batch(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    good, bad, also_good = visit(household), visit(household), visit(household)
    bad["data"]["needs"] = {"health": {"level": "dire"}}
    results = push(vol1, [good, bad, also_good]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert [r["id"] for r in results] == [good["id"], bad["id"], also_good["id"]]
    assert results[1]["code"] == "invalid_data"


def test_a_household_never_in_scope_is_rejected_out_of_scope(vol1, db):
    [household, *_] = db(household_ids_of, "vol3")
    [result] = push(vol1, [visit(household)]).json()["results"]
    assert result["status"] == "rejected"
    assert result["code"] == "out_of_scope"
    assert result["error"] == "该住户不在您的结对范围内。"


def test_an_unknown_kind_or_schema_is_to_be_retried(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    later = {**visit(household), "schema": 99}
    unknown = {**visit(household), "kind": "blood_donation"}
    results = push(vol1, [later, unknown]).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("retry", "unknown_kind")] * 2


def test_unknown_fields_are_rejected_not_ignored(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    entry = visit(household, mood="happy")
    [result] = push(vol1, [entry]).json()["results"]
    assert (result["status"], result["code"]) == ("rejected", "invalid_data")


def test_more_than_500_entries_is_413_with_the_limits(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    response = push(vol1, [visit(household) for _ in range(501)])
    assert response.status_code == 413
    assert response.json()["limits"] == {"max_entries": 500, "max_bytes": 1048576}


def test_more_than_one_mebibyte_is_413(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    entries = [visit(household, follow_up=True, follow_up_note="字" * 500) for _ in range(450)]
    response = push(vol1, entries)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_form_encoded_body_is_refused(vol1):
    response = vol1.post("/api/sync/push", data={"entries": "[]"}, headers={"Origin": ORIGIN})
    assert response.status_code == 415


def test_a_cross_site_request_is_403(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    response = push(vol1, [visit(household)], headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    response = push(vol1, [visit(household)], headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_no_session_is_401_and_stores_nothing(client, db):
    [household, *_] = db(household_ids_of, "vol1")
    response = push(client, [visit(household)])
    assert response.status_code == 401
    assert response.json()["code"] == "no_session"


def test_the_answer_carries_server_time_and_epoch(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    body = push(vol1, [visit(household)]).json()
    assert body["server_time"].endswith("+00:00")
    assert len(body["epoch"]) == 16


def test_each_device_is_recorded_with_its_backlog(vol1, db):
    from server.sync.tables import Device

    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit(household), visit(household)], pending_count=2)

    async def device():
        return await Device.select().where(Device.device_id == "device-1").first()

    row = db(device)
    assert row["pending_count"] == 0  # both were delivered: the phone holds none
    assert row["app_version"] == "test"


def test_every_received_body_is_kept_even_rejected_ones(vol1, db):
    from server.entries.tables import EntryReceipt

    [household, *_] = db(household_ids_of, "vol3")
    entry = visit(household)
    push(vol1, [entry])

    async def receipts():
        return await EntryReceipt.select().where(EntryReceipt.entry_id == entry["id"])

    [receipt] = db(receipts)
    assert receipt["status"] == "rejected"
    assert json.loads(receipt["body"]) == entry


def test_entries_held_for_another_account_are_refused_whole(vol1, db):
    from server.accounts.tables import Account

    [household, *_] = db(household_ids_of, "vol1")

    async def account_id(name):
        return (await Account.select(Account.id).where(Account.username == name).first())["id"]

    vol2_id, vol1_id = db(account_id, "vol2"), db(account_id, "vol1")
    body = {"device_id": "shared", "account_id": vol2_id, "entries": [visit(household)]}
    refused = vol1.post("/api/sync/push", json=body, headers={"Origin": ORIGIN})
    assert refused.status_code == 409
    assert refused.json()["code"] == "account_mismatch"
    body["account_id"] = vol1_id
    accepted = vol1.post("/api/sync/push", json=body, headers={"Origin": ORIGIN})
    assert accepted.json()["results"][0]["status"] == "accepted"

"""Files entries carry (DESIGN §3.2): listed in the entry, checked on upload, read only by
whoever may see the entry."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from tests.builders import jpeg_bytes, listed, patch_entry, push_results, put_file
from tests.builders import visit_entry as visit
from tests.catalogue_helpers import item_ids, medicine_entry, member_ids, supply_entry
from tests.helpers import household_ids_of
from tests.support import ORIGIN, login

PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def _visit_with_photo(client, db, username: str, photo: bytes) -> str:
    """Push a visit by ``username`` listing ``photo``; its id."""
    [household, *_] = db(household_ids_of, username)
    entry = {**visit(household), "attachments": [listed("photo", photo)]}
    [result] = push_results(client, [entry])
    assert result["status"] == "accepted", result
    return entry["id"]


def test_a_listed_photo_is_kept_byte_for_byte_and_read_back_privately(vol1, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    sent = put_file(vol1, entry_id, "photo", photo)
    assert sent.status_code == 200, sent.text
    assert sent.json() == listed("photo", photo)
    read = vol1.get(f"/api/sync/attachments/{entry_id}/photo")
    assert read.status_code == 200
    assert read.content == photo
    assert read.headers["content-type"] == "image/jpeg"
    assert read.headers["cache-control"] == "private, no-store"


def test_sending_a_file_again_is_harmless(vol1, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    assert put_file(vol1, entry_id, "photo", photo).status_code == 200
    again = put_file(vol1, entry_id, "photo", photo)
    assert again.status_code == 200
    assert vol1.get(f"/api/sync/attachments/{entry_id}/photo").content == photo


def test_a_file_with_other_bytes_than_listed_is_refused_and_nothing_is_kept(vol1, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    other = jpeg_bytes(seed=1)
    refused = put_file(vol1, entry_id, "photo", other)
    assert refused.status_code == 422
    assert refused.json()["code"] == "attachment_mismatch"
    assert refused.json()["error"] == "文件与条目所列的不一致（大小或 SHA-256）。"
    assert vol1.get(f"/api/sync/attachments/{entry_id}/photo").status_code == 404
    assert put_file(vol1, entry_id, "photo", photo).status_code == 200


def test_a_cut_off_file_is_refused_and_sent_again_whole(vol1, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    cut = put_file(vol1, entry_id, "photo", photo[:1000])
    assert (cut.status_code, cut.json()["code"]) == (422, "attachment_mismatch")
    assert put_file(vol1, entry_id, "photo", photo).status_code == 200
    assert vol1.get(f"/api/sync/attachments/{entry_id}/photo").content == photo


def test_a_file_larger_than_listed_is_413_and_not_read(vol1, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    refused = put_file(vol1, entry_id, "photo", photo + bytes(10))
    assert (refused.status_code, refused.json()["code"]) == (413, "attachment_too_large")


def test_a_file_of_another_type_than_its_slot_takes_is_415(vol1, db):
    entry_id = _visit_with_photo(vol1, db, "vol1", PNG)
    refused = put_file(vol1, entry_id, "photo", PNG)
    assert (refused.status_code, refused.json()["code"]) == (415, "attachment_type")


def test_a_file_for_another_accounts_entry_is_404(vol1, as_user, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    refused = put_file(as_user("vol2"), entry_id, "photo", photo)
    assert (refused.status_code, refused.json()["code"]) == (404, "entry_unknown")


def test_a_file_before_its_entry_arrived_is_404_entry_unknown(vol1):
    refused = put_file(vol1, str(uuid.uuid4()), "photo", jpeg_bytes())
    assert (refused.status_code, refused.json()["code"]) == (404, "entry_unknown")
    assert refused.json()["error"] == "您还没有这个编号的条目，请先发送条目。"


def test_a_file_of_a_name_the_entry_did_not_list_is_404_attachment_unknown(vol1, db):
    entry_id = _visit_with_photo(vol1, db, "vol1", jpeg_bytes())
    refused = put_file(vol1, entry_id, "signature", PNG)
    assert (refused.status_code, refused.json()["code"]) == (404, "attachment_unknown")


def test_an_upload_from_another_site_is_403(vol1, db):
    photo = jpeg_bytes()
    entry_id = _visit_with_photo(vol1, db, "vol1", photo)
    refused = put_file(vol1, entry_id, "photo", photo, headers={"Origin": "https://evil.example"})
    assert (refused.status_code, refused.json()["code"]) == (403, "cross_site")


def test_an_upload_without_a_session_is_401(client):
    refused = put_file(client, str(uuid.uuid4()), "photo", jpeg_bytes())
    assert (refused.status_code, refused.json()["code"]) == (401, "no_session")


# --- the list in the entry ----------------------------------------------------------


def test_a_kind_that_takes_no_files_refuses_an_entry_listing_one(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    patch = {**patch_entry(household, 1, phone="13800000000"), "attachments": []}
    patch["attachments"] = [listed("photo", jpeg_bytes())]
    [result] = push_results(vol1, [patch])
    assert (result["status"], result["code"]) == ("rejected", "attachment_not_allowed")


def test_files_the_kind_does_not_take_are_rejected_and_the_batch_stored_around(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    photo = jpeg_bytes()
    unknown = {**visit(household), "attachments": [listed("selfie", photo)]}
    too_large = {**visit(household), "attachments": [listed("photo", jpeg_bytes(400 * 1024))]}
    twice = {**visit(household), "attachments": [listed("photo", photo)] * 2}
    good = {**visit(household), "attachments": [listed("photo", photo)]}
    results = push_results(vol1, [unknown, too_large, twice, good])
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "attachment_unknown"),
        ("rejected", "attachment_too_large"),
        ("rejected", "attachment_repeated"),
        ("accepted", ""),
    ]
    assert put_file(vol1, unknown["id"], "selfie", photo).json()["code"] == "entry_unknown"


# --- who may read a file --------------------------------------------------------------


def test_another_volunteer_cannot_read_a_volunteers_photo(vol1, as_user, db):
    entry_id = _visit_with_photo(vol1, db, "vol1", photo := jpeg_bytes())
    put_file(vol1, entry_id, "photo", photo)
    read = as_user("vol2").get(f"/api/sync/attachments/{entry_id}/photo")
    assert (read.status_code, read.json()["code"]) == (404, "attachment_unknown")


def test_the_coordinator_of_the_households_area_reads_its_photo(vol1, as_user, db):
    entry_id = _visit_with_photo(vol1, db, "vol1", photo := jpeg_bytes())
    put_file(vol1, entry_id, "photo", photo)
    read = as_user("coord").get(f"/api/sync/attachments/{entry_id}/photo")
    assert read.status_code == 200
    assert read.content == photo


def test_a_coordinator_of_another_area_cannot_read_a_photo(as_user, db):
    vol3 = as_user("vol3")  # 房县, not 郧阳区 (coord's area)
    entry_id = _visit_with_photo(vol3, db, "vol3", photo := jpeg_bytes())
    assert put_file(vol3, entry_id, "photo", photo).status_code == 200
    read = as_user("coord").get(f"/api/sync/attachments/{entry_id}/photo")
    assert read.status_code == 404


def test_a_file_not_uploaded_yet_reads_as_404(vol1, db):
    entry_id = _visit_with_photo(vol1, db, "vol1", jpeg_bytes())
    assert vol1.get(f"/api/sync/attachments/{entry_id}/photo").status_code == 404


# --- the recipient's signature on a medicine delivery, and a handout's photo ------------


def _delivery(db, **entry):
    [household, *_] = db(household_ids_of, "vol1")
    member = db(member_ids, household)[0]
    medicine = db(item_ids, "medicine")["硝苯地平缓释片"]
    return {**medicine_entry(household, member, medicine), **entry}


@pytest.fixture
def signing_required(db, settings):
    """vol1 on a deployment with ``SIGNATURE_REQUIRED=1``."""
    from litestar.testing import TestClient

    from server.app import create_app

    app = create_app(dataclasses.replace(settings, signature_required=True))
    with TestClient(app, base_url=ORIGIN) as test_client:
        login(test_client, "vol1")
        yield test_client


def test_where_signatures_are_required_a_delivery_without_one_is_refused(signing_required, db):
    [result] = push_results(signing_required, [_delivery(db)])
    assert (result["status"], result["code"]) == ("rejected", "attachment_required")
    assert result["error"] == "该条目缺少必需的附件 signature（签名）。"


def test_where_signatures_are_required_a_signed_delivery_is_stored_and_its_png_kept(
    signing_required, db
):
    entry = _delivery(db, attachments=[listed("signature", PNG)])
    [result] = push_results(signing_required, [entry])
    assert result["status"] == "accepted"
    put = put_file(signing_required, entry["id"], "signature", PNG, {"Content-Type": "image/png"})
    assert put.status_code == 200
    read = signing_required.get(f"/api/sync/attachments/{entry['id']}/signature")
    assert (read.content, read.headers["content-type"]) == (PNG, "image/png")


def test_by_default_the_signature_is_optional(vol1, db):
    [result] = push_results(vol1, [_delivery(db)])
    assert result["status"] == "accepted"


def test_a_photo_of_a_handout_to_a_group_is_read_by_the_coordinator_of_its_volunteer(
    vol1, as_user, db
):
    notebook = db(item_ids, "supplies")["写字本"]
    photo = jpeg_bytes()
    entry = {
        **supply_entry(None, notebook, group={"place": "华家河村小学", "people": 32}),
        "attachments": [listed("photo", photo)],
    }
    assert push_results(vol1, [entry])[0]["status"] == "accepted"
    assert put_file(vol1, entry["id"], "photo", photo).status_code == 200
    assert as_user("coord").get(f"/api/sync/attachments/{entry['id']}/photo").content == photo
    assert as_user("vol2").get(f"/api/sync/attachments/{entry['id']}/photo").status_code == 404

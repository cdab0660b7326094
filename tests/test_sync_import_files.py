"""A phone's export carries the photos and signatures its entries list; the coordinator's
import keeps them by the upload's rule (the entry's own account, the listed size, SHA-256
and kind of file), and a bad file is refused alone: its entry and the other files stay."""

from __future__ import annotations

import base64
import uuid

from tests.builders import export_file, jpeg_bytes, listed, push_results, visit_entry
from tests.helpers import household_ids_of
from tests.test_sync_import import _account_id, _upload


def _with_photo(db, username: str, photo: bytes) -> dict:
    [household, *_] = db(household_ids_of, username)
    return {**visit_entry(household), "attachments": [listed("photo", photo)]}


def _file(entry: dict, body: bytes, name: str = "photo") -> dict:
    return {"entry_id": entry["id"], "name": name, "base64": base64.b64encode(body).decode()}


def _export(db, username: str, entries: list[dict], files: list[dict]) -> dict:
    return {**export_file(db(_account_id, username), entries), "files": files}


def test_an_exported_photo_is_kept_byte_for_byte(as_user, db, vol1):
    photo = jpeg_bytes()
    entry = _with_photo(db, "vol1", photo)
    response = _upload(as_user("coord"), _export(db, "vol1", [entry], [_file(entry, photo)]))
    assert response.status_code == 200
    assert 'data-status="accepted"' in response.text
    assert 'data-file="photo" data-stored="1"' in response.text
    read = vol1.get(f"/api/sync/attachments/{entry['id']}/photo")
    assert (read.status_code, read.content) == (200, photo)


def test_a_file_already_uploaded_imports_again_harmlessly(as_user, db, vol1):
    photo = jpeg_bytes()
    entry = _with_photo(db, "vol1", photo)
    export = _export(db, "vol1", [entry], [_file(entry, photo)])
    _upload(as_user("coord"), export)
    again = _upload(as_user("coord"), export)
    assert 'data-status="duplicate"' in again.text
    assert 'data-stored="1"' in again.text
    assert vol1.get(f"/api/sync/attachments/{entry['id']}/photo").content == photo


def test_a_file_with_other_bytes_is_refused_and_the_rest_is_kept(as_user, db, vol1):
    good, bad = jpeg_bytes(seed=1), jpeg_bytes(seed=2)
    first, second = _with_photo(db, "vol1", good), _with_photo(db, "vol1", bad)
    files = [_file(first, good), _file(second, jpeg_bytes(seed=3))]
    response = _upload(as_user("coord"), _export(db, "vol1", [first, second], files))
    assert response.text.count('data-status="accepted"') == 2
    assert f'data-file-entry="{second["id"]}" data-file="photo" data-stored="0"' in response.text
    assert "文件与条目所列的不一致" in response.text
    assert vol1.get(f"/api/sync/attachments/{first['id']}/photo").content == good
    assert vol1.get(f"/api/sync/attachments/{second['id']}/photo").status_code == 404


def test_a_file_that_is_no_base64_is_refused_and_its_entry_kept(as_user, db):
    entry = _with_photo(db, "vol1", jpeg_bytes())
    broken = {"entry_id": entry["id"], "name": "photo", "base64": "不是base64"}
    response = _upload(as_user("coord"), _export(db, "vol1", [entry], [broken]))
    assert 'data-status="accepted"' in response.text
    assert 'data-stored="0"' in response.text


def test_a_file_of_another_accounts_entry_is_refused(as_user, db):
    photo = jpeg_bytes()
    theirs = _with_photo(db, "vol2", photo)
    assert push_results(as_user("vol2"), [theirs])[0]["status"] == "accepted"
    response = _upload(as_user("coord"), _export(db, "vol1", [], [_file(theirs, photo)]))
    assert response.status_code == 200
    assert 'data-stored="0"' in response.text
    assert as_user("vol2").get(f"/api/sync/attachments/{theirs['id']}/photo").status_code == 404


def test_a_file_its_entry_did_not_list_is_refused(as_user, db):
    entry = _with_photo(db, "vol1", jpeg_bytes())
    stray = _file(entry, b"\x89PNG\r\n\x1a\n" + bytes(100), name="signature")
    response = _upload(as_user("coord"), _export(db, "vol1", [entry], [stray]))
    assert 'data-file="signature" data-stored="0"' in response.text


def test_an_export_whose_files_are_not_a_list_is_refused_whole(as_user, db):
    entry = _with_photo(db, "vol1", jpeg_bytes())
    export = {**_export(db, "vol1", [entry], []), "files": {"photo": "x"}}
    response = _upload(as_user("coord"), export)
    assert response.status_code == 422
    assert 'data-status="accepted"' not in response.text
    assert str(uuid.UUID(entry["id"])) not in response.text


def test_an_export_past_ten_megabytes_is_read(as_user, db):
    # Photos as base64 make an export large; the framework's default limit is 10 MB.
    entry = _with_photo(db, "vol1", jpeg_bytes())
    big = _file(entry, jpeg_bytes(8 * 1024 * 1024))
    response = _upload(as_user("coord"), _export(db, "vol1", [entry], [big]))
    assert response.status_code == 200
    assert 'data-status="accepted"' in response.text

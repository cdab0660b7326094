"""Hostile input gets a clear 4xx with a stable code, per entry inside a batch; never a 500,
never a batch a phone would retry forever, and nothing stored changes (issue: field
readiness, hostile input). Each test runs on SQLite and, with DOORSTEP_TEST_DB=postgres,
on PostgreSQL, whose 32-bit integers and NUL-free text are stricter."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.builders import push
from tests.builders import visit_entry as visit
from tests.helpers import household_ids_of
from tests.support import ORIGIN, csrf

HUGE = str(2**70)
"""Beyond 64 bits (SQLite) and 32 bits (PostgreSQL)."""


async def stored_ids() -> set[str]:
    from server.entries.tables import Entry

    return {str(r["id"]) for r in await Entry.select(Entry.id)}


def post_raw(client, body: bytes):
    return client.post(
        "/api/sync/push",
        content=body,
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )


def statuses(response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    return [(r["status"], r["code"]) for r in response.json()["results"]]


@pytest.mark.parametrize(
    "when", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-23:59"], ids=["year-1", "year-9999"]
)
def test_a_time_out_of_range_is_refused_for_its_entry_alone(vol1, db, when):
    [household, *_] = db(household_ids_of, "vol1")
    good, bad_saved, bad_visited = visit(household), visit(household), visit(household)
    bad_saved["recorded_at"] = when
    bad_visited["data"]["visited_at"] = when
    response = push(vol1, [bad_saved, good, bad_visited])
    assert statuses(response) == [
        ("rejected", "bad_time"),
        ("accepted", ""),
        ("rejected", "bad_time"),
    ]
    assert db(stored_ids) >= {good["id"]} and not {bad_saved["id"], bad_visited["id"]} & db(
        stored_ids
    )


@pytest.mark.parametrize(
    "path",
    [
        f"/households/{HUGE}",
        "/households/3000000000",
        f"/households/{HUGE}/visit",
        f"/households/{HUGE}/edit",
        f"/households/{HUGE}/conflicts",
        f"/admin/accounts/{HUGE}",
        f"/admin/areas/{HUGE}",
        f"/admin/teams/{HUGE}",
        f"/admin/roster/{HUGE}",
    ],
)
def test_an_id_beyond_the_columns_range_in_a_path_is_a_4xx(as_user, path):
    response = as_user("coord").get(path)
    assert 400 <= response.status_code < 500


def test_an_id_beyond_the_columns_range_in_a_posted_path_stores_nothing(as_user, db):
    coord = as_user("coord")
    response = coord.post(
        f"/devices/{HUGE}/revoke", data={"_csrf_token": csrf(coord)}, follow_redirects=False
    )
    assert 400 <= response.status_code < 500


def test_a_number_beyond_range_in_a_query_or_cursor_is_a_4xx(vol1):
    pending = vol1.get("/api/sync/pull", params={"pending_count": HUGE}, headers={"Origin": ORIGIN})
    assert pending.status_code == 400
    cursor = vol1.get("/api/sync/pull", params={"cursor": f"x.{HUGE}"}, headers={"Origin": ORIGIN})
    assert (cursor.status_code, cursor.json()["code"]) == (400, "bad_cursor")
    limit = vol1.get("/api/sync/pull", params={"limit": HUGE}, headers={"Origin": ORIGIN})
    assert limit.status_code == 200


def test_a_number_beyond_range_in_a_body_is_refused_with_a_code(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    body = {"device_id": "device-1", "pending_count": 2**40, "entries": [visit(household)]}
    response = post_raw(vol1, json.dumps(body).encode())
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
    patch = {
        "id": visit(household)["id"],
        "kind": "household_patch",
        "schema": 1,
        "recorded_at": "2026-11-20T10:00:00+08:00",
        "data": {"household_id": str(household), "base_version": 2**40, "changes": {}},
    }
    good = visit(household)
    assert statuses(push(vol1, [patch, good])) == [("rejected", "invalid_data"), ("accepted", "")]


def test_a_float_beyond_range_is_refused_for_its_entry_alone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    good = visit(household)
    bad = json.dumps(visit(household)).replace('"data": {', '"data": {"x": 1e999, ', 1)
    body = f'{{"device_id": "device-1", "entries": [{bad}, {json.dumps(good)}]}}'
    assert statuses(post_raw(vol1, body.encode())) == [
        ("rejected", "invalid_entry"),
        ("accepted", ""),
    ]


def test_a_deeply_nested_body_is_a_400_with_a_code(vol1):
    deep = "[" * 100_000 + "]" * 100_000
    response = post_raw(vol1, f'{{"device_id": "device-1", "entries": [{deep}]}}'.encode())
    assert (response.status_code, response.json()["code"]) == (400, "too_deep")


def test_a_deeply_nested_entry_is_refused_alone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    nested: dict = {}
    for _ in range(200):
        nested = {"x": nested}
    bad, good = visit(household, extra=nested), visit(household)
    assert statuses(push(vol1, [bad, good])) == [("rejected", "too_deep"), ("accepted", "")]


def test_a_null_or_a_string_where_an_entry_should_be_is_refused_alone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    good = visit(household)
    assert statuses(push(vol1, [None, "entry", 17, good])) == [
        ("rejected", "invalid_entry"),
        ("rejected", "invalid_entry"),
        ("rejected", "invalid_entry"),
        ("accepted", ""),
    ]


def test_a_body_far_over_the_limit_is_the_documented_413(vol1):
    body = b'{"device_id": "device-1", "entries": ["' + b"x" * (5 * 1024 * 1024) + b'"]}'
    response = post_raw(vol1, body)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response.json()["limits"] == {"max_entries": 500, "max_bytes": 1048576}


def test_a_nul_character_in_an_entry_is_refused_alone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    bad = visit(household, follow_up=True, follow_up_note="送药\u0000上门")
    good = visit(household)
    assert statuses(push(vol1, [bad, good])) == [("rejected", "bad_text"), ("accepted", "")]
    assert bad["id"] not in db(stored_ids)


def test_a_nul_character_in_the_envelope_or_a_form_is_a_4xx(vol1, db):
    body = {"device_id": "phone\u0000", "entries": []}
    response = post_raw(vol1, json.dumps(body).encode())
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")
    pulled = vol1.get(
        "/api/sync/pull", params={"device_id": "a\u0000b"}, headers={"Origin": ORIGIN}
    )
    assert 400 <= pulled.status_code < 500
    [household, *_] = db(household_ids_of, "vol1")
    form = vol1.get(f"/households/{household}/edit")
    assert form.status_code == 200
    from tests.support import form_fields

    fields = {**form_fields(form.text), "address": "一组\u0000", "_csrf_token": csrf(vol1)}
    saved = vol1.post(f"/households/{household}/edit", data=fields, follow_redirects=False)
    assert saved.status_code < 500


def test_non_ascii_digits_are_no_ids(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    superscript, arabic, good = visit("²"), visit("١٢"), visit(household)
    assert statuses(push(vol1, [superscript, arabic, good])) == [
        ("rejected", "invalid_data"),
        ("rejected", "invalid_data"),
        ("accepted", ""),
    ]
    response = vol1.get("/api/sync/pull", params={"cursor": "x.²"}, headers={"Origin": ORIGIN})
    assert (response.status_code, response.json()["code"]) == (400, "bad_cursor")


def test_a_spreadsheet_that_unpacks_to_a_huge_size_is_refused(as_user, db):
    from server.rosters.reader import MAX_UNPACKED

    coord = as_user("coord")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (MAX_UNPACKED + 1))
    response = coord.post(
        "/admin/roster",
        data={"_csrf_token": csrf(coord)},
        files={"file": ("roster.xlsx", bomb.getvalue())},
        follow_redirects=False,
    )
    assert response.status_code == 422
    assert "100 MB" in response.text

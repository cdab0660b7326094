"""``GET /api/sync/pull``: the volunteer's scope, then only what changed (DESIGN §3.2)."""

from __future__ import annotations

from tests.builders import patch_entry, push, visit_entry
from tests.helpers import household_ids_of
from tests.pull_helpers import account_id, of_kind, pair, pull, pull_all, unpair
from tests.support import ORIGIN, csrf


async def members_of(household_ids: list[int]) -> set[tuple[str, str]]:
    from server.households.tables import Member

    rows = await Member.select(Member.id, Member.household).where(
        Member.household.is_in(household_ids) & (Member.removed == False)  # noqa: E712
    )
    return {(str(r["household"]), str(r["id"])) for r in rows}


def test_the_first_pull_returns_exactly_the_volunteers_households(vol1, db):
    changes, _ = pull_all(vol1)
    households = of_kind(changes, "household")
    assert sorted(int(c["id"]) for c in households) == db(household_ids_of, "vol1")
    assert not any(c["deleted"] for c in changes)


def test_the_first_pull_carries_every_member_with_its_stable_id(vol1, db):
    changes, _ = pull_all(vol1)
    pulled = {
        (c["id"], m["id"]) for c in of_kind(changes, "household") for m in c["data"]["members"]
    }
    assert pulled == db(members_of, db(household_ids_of, "vol1"))


def test_the_first_pull_carries_the_recent_visits_of_the_households(vol1, db):
    from server.entries.kinds.visit import Visit

    async def visit_ids():
        rows = await Visit.select(Visit.entry).where(
            Visit.household.is_in(await household_ids_of("vol1"))
        )
        return {str(r["entry"]) for r in rows}

    changes, _ = pull_all(vol1)
    expected = db(visit_ids)
    assert expected
    assert {c["id"] for c in of_kind(changes, "visit")} == expected


def test_a_second_pull_with_the_cursor_returns_nothing_new(vol1):
    _, cursor = pull_all(vol1)
    body = pull(vol1, cursor).json()
    assert body["changes"] == []
    assert body["more"] is False
    assert body["cursor"] == cursor


def coordinator_pairs(coord, action: str, household: int, volunteer: int) -> None:
    """A coordinator pairs (or unpairs) through the 结对 page's form."""
    data = {"household": household, "volunteer": volunteer, "_csrf_token": csrf(coord)}
    response = coord.post(f"/admin/pairing/{action}", data=data, follow_redirects=False)
    assert response.status_code == 303


def test_pairing_a_household_sends_it_whole_to_that_volunteer_only(as_user, db):
    vol1, vol2, coord = as_user("vol1"), as_user("vol2"), as_user("coord")
    _, cursor1 = pull_all(vol1)
    _, cursor2 = pull_all(vol2)
    [household, *_] = db(household_ids_of, "vol2")
    coordinator_pairs(coord, "pair", household, db(account_id, "vol1"))
    changes, _ = pull_all(vol1, cursor1)
    [change] = of_kind(changes, "household")
    assert change["id"] == str(household)
    assert {c["data"]["household_id"] for c in of_kind(changes, "visit")} <= {str(household)}
    assert {(str(household), m["id"]) for m in change["data"]["members"]} == db(
        members_of, [household]
    )
    assert pull_all(vol2, cursor2)[0] == []


def test_unpairing_a_household_sends_a_tombstone_to_that_volunteer_only(as_user, db):
    vol1, vol2, coord = as_user("vol1"), as_user("vol2"), as_user("coord")
    _, cursor1 = pull_all(vol1)
    _, cursor2 = pull_all(vol2)
    [household, *_] = db(household_ids_of, "vol1")
    coordinator_pairs(coord, "unpair", household, db(account_id, "vol1"))
    changes, _ = pull_all(vol1, cursor1)
    assert [(c["kind"], c["id"], c["deleted"], c["data"]) for c in changes] == [
        ("household", str(household), True, {})
    ]
    assert pull_all(vol2, cursor2)[0] == []


def test_after_unpairing_a_fresh_pull_no_longer_has_the_household_or_its_visits(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    db(unpair, "vol1", household)
    changes, _ = pull_all(vol1)
    assert str(household) not in {c["id"] for c in of_kind(changes, "household")}
    assert str(household) not in {c["data"]["household_id"] for c in of_kind(changes, "visit")}
    assert not any(c["deleted"] for c in changes)


def test_paging_with_small_limits_returns_everything_exactly_once(vol1):
    whole, _ = pull_all(vol1, limit=2000)
    paged, _ = pull_all(vol1, limit=7)
    keys = [(c["kind"], c["id"]) for c in paged]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted((c["kind"], c["id"]) for c in whole)
    assert len(whole) > 7


def test_each_page_says_whether_more_is_waiting(vol1):
    first = pull(vol1, limit=3).json()
    assert len(first["changes"]) == 3
    assert first["more"] is True


def test_a_visit_pushed_later_reaches_the_volunteer_as_a_visit_and_an_entry(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    _, cursor = pull_all(vol1)
    entry = visit_entry(household)
    assert push(vol1, [entry]).json()["results"][0]["status"] == "accepted"
    changes, _ = pull_all(vol1, cursor)
    assert sorted((c["kind"], c["id"]) for c in changes) == [
        ("entry", entry["id"]),
        ("visit", entry["id"]),
    ]
    assert of_kind(changes, "entry")[0]["data"]["status"] == "accepted"


def test_a_visit_by_one_volunteer_reaches_every_volunteer_paired_with_the_household(as_user, db):
    vol1, vol2 = as_user("vol1"), as_user("vol2")
    [household, *_] = db(household_ids_of, "vol1")
    db(pair, "vol2", household)
    _, cursor2 = pull_all(vol2)
    entry = visit_entry(household)
    push(vol1, [entry])
    changes, _ = pull_all(vol2, cursor2)
    assert [(c["kind"], c["id"]) for c in changes] == [("visit", entry["id"])]
    assert changes[0]["data"]["volunteer"] == "张志愿（队长）"


def test_a_household_edit_reaches_the_volunteer_with_the_new_version(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    _, cursor = pull_all(vol1)
    push(vol1, [patch_entry(household, 1, phone="13900000000")])
    changes, _ = pull_all(vol1, cursor)
    [change] = of_kind(changes, "household")
    assert change["version"] == 2
    assert change["data"]["phone"] == "13900000000"


def test_a_cursor_from_an_earlier_epoch_starts_a_full_snapshot(vol1, db):
    _, cursor = pull_all(vol1)
    stale = "0123456789abcdef." + cursor.rpartition(".")[2]
    changes, _ = pull_all(vol1, stale)
    assert sorted(int(c["id"]) for c in of_kind(changes, "household")) == db(
        household_ids_of, "vol1"
    )


def test_a_cursor_this_server_never_made_is_400(vol1):
    response = pull(vol1, "not-a-cursor")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_cursor"


def test_the_answer_carries_the_servers_epoch(vol1, db):
    from server.system.service import epoch

    body = pull(vol1).json()
    assert body["epoch"] == db(epoch)
    assert body["cursor"].startswith(body["epoch"] + ".")


def test_a_large_answer_is_gzip_compressed_for_a_phone_that_accepts_it(vol1):
    response = vol1.get("/api/sync/pull", headers={"Origin": ORIGIN, "Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < len(response.content) / 3
    assert response.json()["changes"]


def test_a_pull_is_never_cached(vol1):
    assert pull(vol1).headers["cache-control"] == "no-store"


def test_a_cross_site_pull_is_403(vol1):
    response = vol1.get("/api/sync/pull", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    response = vol1.get("/api/sync/pull", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_a_pull_without_a_session_is_401(client):
    response = pull(client)
    assert response.status_code == 401
    assert response.json()["code"] == "no_session"


def test_a_coordinator_has_no_offline_scope_to_pull(as_user):
    assert pull_all(as_user("coord"))[0] == []


def test_pull_is_documented_in_the_openapi_schema(client):
    schema = client.get("/schema/openapi.json").json()
    operation = schema["paths"]["/api/sync/pull"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"cursor", "limit", "device_id"}
    assert "410" in operation["responses"]
    assert "PullResult" in str(operation["responses"]["200"])


def test_after_a_restore_an_old_cursor_gets_the_new_epoch_and_a_full_snapshot(vol1, db, tmp_path):
    import os

    import httpx

    from tests.helpers import doorstep_cli, empty_database
    from tests.support import LiveServer, login

    _, cursor = pull_all(vol1)
    epoch = cursor.rpartition(".")[0]
    folder = doorstep_cli(dict(os.environ), "backup", "--output", str(tmp_path / "backups"))
    folder = folder.strip()
    target = empty_database(tmp_path)
    restored = {**os.environ, "DATABASE_URL": target, "DATA_DIR": str(tmp_path / "restored")}
    doorstep_cli(restored, "restore", folder)
    server = LiveServer(restored)
    server.start()
    try:
        with httpx.Client(base_url=server.url) as phone:
            login(phone, "vol1")
            response = phone.get(
                "/api/sync/pull", params={"cursor": cursor}, headers={"Origin": server.url}
            )
    finally:
        server.stop()
    body = response.json()
    assert body["epoch"] != epoch
    assert sorted(int(c["id"]) for c in of_kind(body["changes"], "household")) == db(
        household_ids_of, "vol1"
    )

"""What each sync records about the phone and its session: backlog, clock, expiry."""

from __future__ import annotations

import datetime as dt

from tests.builders import push
from tests.builders import visit_entry as visit
from tests.helpers import household_ids_of
from tests.pull_helpers import pull
from tests.support import ORIGIN


async def device_row():
    from server.sync.tables import Device

    return await Device.select().where(Device.device_id == "device-1").first()


async def session_expiry():
    from server.accounts.tables import AuthSession

    [row] = await AuthSession.select(AuthSession.expires_at)
    return row["expires_at"]


async def expire_sessions_in(days: float):
    from server.accounts.tables import AuthSession

    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    await AuthSession.update({AuthSession.expires_at: when}, force=True)


def test_the_device_holds_what_is_left_once_its_batch_is_delivered(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit(household), visit(household)], pending_count=5)
    assert db(device_row)["pending_count"] == 3


def test_a_refused_entry_still_counts_as_held_by_the_phone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    refused = visit(household, unknown_field=1)
    push(vol1, [visit(household), refused], pending_count=2)
    assert db(device_row)["pending_count"] == 1


def test_a_pull_reports_what_the_phone_holds(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit(household)], pending_count=4)
    response = vol1.get(
        "/api/sync/pull",
        params={"device_id": "device-1", "pending_count": "0", "oldest_pending_at": ""},
        headers={"Origin": ORIGIN},
    )
    assert response.status_code == 200
    assert db(device_row)["pending_count"] == 0


def test_a_pull_without_a_count_leaves_the_count_alone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    push(vol1, [visit(household)], pending_count=4)
    assert pull(vol1).status_code == 200
    assert db(device_row)["pending_count"] == 3


def test_a_push_keeps_how_far_the_phones_clock_is_off(vol1, db):
    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    push(vol1, [], device_time=ahead.isoformat())
    offset = db(device_row)["clock_offset_ms"]
    assert -600_000 - 60_000 < offset < -600_000 + 60_000


def test_a_pull_keeps_how_far_the_phones_clock_is_off(vol1, db):
    behind = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    params = {"device_id": "device-1", "device_time": behind.isoformat()}
    assert vol1.get("/api/sync/pull", params=params, headers={"Origin": ORIGIN}).status_code == 200
    offset = db(device_row)["clock_offset_ms"]
    assert 7_200_000 - 60_000 < offset < 7_200_000 + 60_000


def test_a_clock_decades_off_is_kept_at_the_columns_bound(vol1, db):
    push(vol1, [], device_time="1970-01-01T00:00:00+00:00")
    assert db(device_row)["clock_offset_ms"] == 2**31 - 1


def test_a_sync_extends_a_session_that_was_not_extended_for_an_hour(vol1, db):
    db(expire_sessions_in, 10)
    push(vol1, [])
    assert db(session_expiry) > dt.datetime.now(dt.UTC) + dt.timedelta(days=80)


def test_a_session_is_extended_at_most_once_an_hour(vol1, db):
    push(vol1, [])
    first = db(session_expiry)
    push(vol1, [])
    assert pull(vol1).status_code == 200
    assert db(session_expiry) == first

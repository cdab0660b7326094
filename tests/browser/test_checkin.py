"""签到 / 签退 on phones with no network: a volunteer checks in from the QR code's address
and checks out by typing the code; the leader's screen changes its code every minute."""

from __future__ import annotations

import datetime as dt
import json
import re

import httpx
import pytest
from playwright.sync_api import expect

from server import checkin_code
from tests.activity_helpers import create_activity
from tests.admin_helpers import team_id
from tests.browser.phone import stored_entries
from tests.checkin_helpers import TEAM, ZONE, entry_flags, key_of
from tests.support import login
from tests.test_service_hours import _number

pytestmark = pytest.mark.browser


def _activity_now(live_server, db) -> tuple[int, str, dt.datetime]:
    """vol1's team's activity from two hours ago to two hours ahead: id, key, the time."""
    moment = dt.datetime.now(ZONE).replace(second=0, microsecond=0)
    fields = {
        "starts_at": (moment - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (moment + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "team": str(db(team_id, TEAM)),
    }
    with httpx.Client(base_url=live_server.url) as coord:
        login(coord, "coord")
        activity = create_activity(coord, **fields)
    return activity, db(key_of, activity), moment


def _kept(phone, path: str) -> bool:
    return phone.page.evaluate(
        "async (path) => !!(await caches.match(path, { ignoreVary: true }))", path
    )


def test_check_in_by_the_qr_address_and_out_by_the_code_offline(phone, context, db, live_server):
    activity, key, moment = _activity_now(live_server, db)
    came = moment - dt.timedelta(minutes=60)  # an hour ago, by the phone's (right) clock
    phone.log_in("vol2")
    phone.wait_for_worker()
    phone.wait_for(lambda: _kept(phone, "/checkin"))
    context.set_offline(True)
    phone.page.clock.install(time=came)
    code_in = checkin_code.rotating_code(key, checkin_code.minute_of(came))
    response = phone.open(f"/checkin/{activity}?c={code_in}")  # what the camera app opens
    assert response.from_service_worker
    expect(phone.page.locator("#checkin-code")).to_have_value(code_in)
    phone.page.click("#check-in")
    expect(phone.page.locator("#status")).to_have_text("已保存，待同步")
    left = moment + dt.timedelta(seconds=30)
    phone.page.clock.set_system_time(left)
    phone.page.fill("#checkin-code", checkin_code.rotating_code(key, checkin_code.minute_of(left)))
    phone.page.click("#check-out")
    expect(phone.page.locator("#pending-count")).to_have_text("2")
    context.set_offline(False)
    phone.wait_until_drained()
    stored = [e for e in db(stored_entries) if e["kind"] in ("check_in", "check_out")]
    assert sorted(e["kind"] for e in stored) == ["check_in", "check_out"]
    assert set(db(entry_flags, [e["id"] for e in stored]).values()) == {""}
    # The test's own count from the raw entries: check-out minus check-in, in minutes.
    times = {
        e["kind"]: dt.datetime.fromisoformat(json.loads(e["body"])["recorded_at"]) for e in stored
    }
    expected = int((times["check_out"] - times["check_in"]).total_seconds() // 60)
    phone.open(f"/me/hours?year={moment.year}")
    assert _number(phone.page.content(), "verified-minutes") == expected == 60


def test_the_leaders_code_changes_every_minute_with_no_network(phone, context, db, live_server):
    activity, key, moment = _activity_now(live_server, db)
    phone.log_in("vol1")
    phone.wait_for_worker()
    shown_at = moment + dt.timedelta(seconds=20)
    phone.page.clock.install(time=shown_at)
    phone.open(f"/activities/{activity}/checkin-code")
    context.set_offline(True)
    code = phone.page.locator("#checkin-screen-code")
    first = checkin_code.rotating_code(key, checkin_code.minute_of(shown_at))
    expect(code).to_have_text(first)
    drawn = phone.page.evaluate("document.getElementById('checkin-qr').toDataURL()")
    phone.page.clock.fast_forward("01:00")
    following = checkin_code.rotating_code(key, checkin_code.minute_of(shown_at) + 1)
    expect(code).to_have_text(following)
    assert following != first
    assert phone.page.evaluate("document.getElementById('checkin-qr').toDataURL()") != drawn
    assert re.fullmatch(r"\d{6}", following)

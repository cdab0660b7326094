"""The drain's back-off (backoff.js): capped, with jitter, cleared by a success, by `online`
and by the page becoming visible; 立即同步 and failures while offline never lengthen it."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.phone import visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser

LONG_WAIT = "({failures: 9, until: Date.now() + 10 * 60_000})"


def schedule(phone, script: str):
    """Run ``script`` with ``backoff`` (the module) and ``outbox`` in scope; its value."""
    return phone.page.evaluate(
        f"""async () => {{
            const backoff = await import('/static/backoff.js');
            const outbox = await import('/static/outbox.js');
            return await (async () => {{ {script} }})();
        }}"""
    )


def stored(phone) -> dict:
    return schedule(phone, "return backoff.current();")


def set_stored(phone, value: str) -> None:
    schedule(phone, f"await outbox.setMeta('backoff', {value});")


def ready(phone) -> None:
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open("/sync")


def press_sync_now(phone) -> str:
    """Press 立即同步 and wait until it says what happened."""
    result = phone.page.locator("#sync-result")
    result.evaluate("el => { el.textContent = '' }")
    phone.page.click("#sync-now")
    sending = phone.page.locator("#messages").get_attribute("data-sending")
    expect(result).not_to_have_text("")
    expect(result).not_to_have_text(sending)
    return result.inner_text()


def test_the_wait_is_capped_at_a_minute_whatever_the_failures(phone):
    ready(phone)
    cap = schedule(phone, "return backoff.MAX_DELAY;")
    assert cap <= 60_000
    longest = schedule(phone, "return [1, 20, 1000].map((n) => backoff.delay(n, () => 1));")
    assert longest == [2_000, cap, cap]
    state = schedule(
        phone,
        """let s = backoff.CLEAR;
        for (let i = 0; i < 50; i++) s = backoff.afterFailure(s, 0);
        return s;""",
    )
    assert state["until"] <= cap


def test_the_jitter_stays_between_half_and_all_of_the_wait(phone):
    ready(phone)
    waits = schedule(
        phone,
        """const found = [];
        for (let n = 1; n <= 12; n++) {
            const ceiling = Math.min(backoff.BASE_DELAY * 2 ** (n - 1), backoff.MAX_DELAY);
            for (let i = 0; i < 200; i++) found.push([backoff.delay(n) / ceiling]);
        }
        return found.flat();""",
    )
    assert all(0.5 <= w <= 1 for w in waits)
    assert max(waits) - min(waits) > 0.3  # spread, not one fixed wait


def test_a_server_asking_for_a_longer_wait_is_honoured(phone):
    ready(phone)
    until = schedule(phone, "return backoff.afterFailure(backoff.CLEAR, 0, 120_000).until;")
    assert until == 120_000


def test_a_success_clears_the_wait(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    ready(phone)
    set_stored(phone, LONG_WAIT)
    ids = phone.queue_visits([household], 1)
    press_sync_now(phone)
    phone.wait_until_drained()
    assert db(visits_of, ids) == 1
    assert stored(phone) == {"failures": 0, "until": 0}


def test_going_online_clears_the_wait(phone):
    ready(phone)
    set_stored(phone, LONG_WAIT)
    phone.page.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for(lambda: stored(phone)["failures"] == 0, timeout=5)


def test_the_page_becoming_visible_clears_the_wait(phone):
    ready(phone)
    set_stored(phone, LONG_WAIT)
    phone.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    phone.wait_for(lambda: stored(phone)["failures"] == 0, timeout=5)


def test_sync_now_tries_at_once_says_so_and_never_lengthens_the_wait(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    ready(phone)
    attempts = []

    def down(route):
        attempts.append(1)
        route.fulfill(status=503, body="down")

    context.route("**/api/sync/push", down)
    set_stored(phone, LONG_WAIT)
    phone.queue_visits([household], 1)
    before = stored(phone)
    for _ in range(3):
        assert "服务器没有响应" in press_sync_now(phone)
    assert len(attempts) == 3
    assert stored(phone) == before


def test_failures_while_offline_do_not_lengthen_the_wait(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    ready(phone)
    phone.queue_visits([household], 1)
    context.set_offline(True)
    for _ in range(3):
        press_sync_now(phone)
        phone.page.evaluate("() => import('/static/drain.js').then((m) => m.drain())")
    assert stored(phone)["failures"] == 0


def test_after_an_outage_pending_entries_arrive_within_a_minute_unasked(
    phone, context, live_server, db
):
    households = db(household_ids_of, "vol1")
    ready(phone)
    live_server.stop()  # first: a drain already under way must not send them
    ids = phone.queue_visits(households, 3)
    for _ in range(6):
        press_sync_now(phone)
        phone.page.evaluate("window.dispatchEvent(new Event('online'))")
        phone.page.wait_for_timeout(300)
    context.set_offline(True)
    press_sync_now(phone)
    context.set_offline(False)  # fires `online` while the server is still down
    for _ in range(6):
        press_sync_now(phone)
    phone.page.wait_for_timeout(3_000)  # automatic tries fail meanwhile too
    assert len(phone.waiting()) == 3
    live_server.start()
    started = time.monotonic()
    phone.wait_until_drained(timeout=65)
    assert time.monotonic() - started <= 65
    assert db(visits_of, ids) == 3

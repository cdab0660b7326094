"""What starts a drain when no page is open: Background Sync and a push message."""

from __future__ import annotations

import time

import pytest

from tests.browser.phone import SYNC_TAG, visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def _wait_for_visits(db, ids, count, timeout=60.0):
    """Within a minute, as the README promises once a network is back."""
    deadline = time.monotonic() + timeout
    while db(visits_of, ids) < count:
        assert time.monotonic() < deadline, "not drained"
        time.sleep(0.2)


def _come_online_with_the_app_closed(phone, context, db, ids) -> None:
    """Back online with the app closed. Chromium fires the registered `sync` at once; when
    DevTools' offline emulation of a stopped worker is never lifted (one run in a few here,
    not a phone's case) it never fires, and the test fires it as Chromium would."""
    tags = phone.page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync.getTags())")
    assert SYNC_TAG in tags  # the app asked for a sync while offline
    phone.page.goto("about:blank")  # the app is closed; only the worker is left
    context.set_offline(False)
    deadline = time.monotonic() + 5
    while db(visits_of, ids) < len(ids) and time.monotonic() < deadline:
        phone.page.wait_for_timeout(100)
    if db(visits_of, ids) < len(ids):
        phone.fire_sync()


def _visit_saved_offline(phone, context, db, note: str) -> list[str]:
    """Log in, save a visit with no network; the ids of what waits in the outbox."""
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.record_visit(household, note=note)
    return [r["id"] for r in phone.waiting()]


def test_background_sync_drains_with_no_page_of_the_app_open(phone, context, live_server, db):
    ids = _visit_saved_offline(phone, context, db, "后台同步")
    _come_online_with_the_app_closed(phone, context, db, ids)
    _wait_for_visits(db, ids, 1)


def test_a_push_message_drains_the_outbox(phone, context, live_server, db):
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    context.set_offline(True)
    ids = phone.queue_visits(households, 3)  # no Background Sync registered for these
    phone.page.goto("about:blank")
    context.set_offline(False)
    time.sleep(1)
    assert db(visits_of, ids) == 0  # nothing else drains
    phone.deliver_push("{}")
    _wait_for_visits(db, ids, 3)


def test_background_sync_sends_even_while_the_app_would_wait_out_a_back_off(
    phone, context, live_server, db
):
    ids = _visit_saved_offline(phone, context, db, "退避中的后台同步")
    phone.page.evaluate(  # the open app's timer would wait ten more minutes
        """() => import('/static/outbox.js').then((outbox) =>
            outbox.setMeta('backoff', {failures: 9, until: Date.now() + 10 * 60_000}))"""
    )
    _come_online_with_the_app_closed(phone, context, db, ids)
    _wait_for_visits(db, ids, 1)

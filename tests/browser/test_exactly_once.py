"""Whatever happens to the network or the server mid-drain, each entry counts once."""

from __future__ import annotations

import pytest

from tests.browser.phone import receipts, visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def test_a_server_killed_in_the_middle_of_a_drain_still_counts_each_entry_once(
    phone, context, live_server, db
):
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    context.set_offline(True)
    ids = phone.queue_visits(households, 120)  # three batches of 50, 50 and 20
    pushes = []

    def crash_on_second_batch(route):
        pushes.append(route.request)
        if len(pushes) != 2:
            route.continue_()
            return
        route.fetch()  # the server stores the batch ...
        live_server.stop(kill=True)  # ... and dies before the phone hears back
        route.abort("connectionreset")

    context.route("**/api/sync/push", crash_on_second_batch)
    context.set_offline(False)
    phone.wait_for(lambda: live_server.process is None)
    assert len(phone.waiting()) == 70
    live_server.start()
    phone.open("/sync")
    phone.page.click("#sync-now")
    phone.wait_until_drained()
    assert db(visits_of, ids) == 120
    assert sorted({r["id"] for r in db(receipts, ids)}) == sorted(ids)
    assert phone.waiting() == []


def test_page_and_worker_draining_together_send_each_entry_once(phone, context, db):
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    other_tab = context.new_page()
    other_tab.goto(phone.url("/sync"))
    context.set_offline(True)
    ids = phone.queue_visits(households, 250)
    context.set_offline(False)  # each tab drains on `online`, the worker on Background Sync
    for tab in (phone.page, other_tab):
        tab.evaluate(
            """() => {
                navigator.serviceWorker.controller.postMessage({ type: 'drain', force: true });
                document.querySelector('#sync-now')?.click();
            }"""
        )
    phone.wait_until_drained()
    received = db(receipts, ids)
    assert len(received) == 250  # not one copy sent twice
    assert db(visits_of, ids) == 250


async def _restore_without(entry_ids: list[str]) -> None:
    """What restoring a backup taken before these entries does: they are gone, new epoch."""
    import uuid

    from server.entries.kinds.visit import Visit
    from server.entries.tables import Entry
    from server.system import service as system

    ids = [uuid.UUID(i) for i in entry_ids]
    await Visit.delete().where(Visit.entry.is_in(ids))
    await Entry.delete().where(Entry.id.is_in(ids))
    await system.set_value("epoch", "restored")


def test_entries_kept_after_delivery_refill_a_server_restored_from_a_backup(phone, db, live_server):
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.record_visit(households[0], note="送药")
    phone.wait_until_drained()
    [kept] = [r["id"] for r in phone.outbox()]
    live_server.stop()  # a restore happens with the app stopped (the README's steps)
    db(_restore_without, [kept])
    live_server.start()
    assert db(visits_of, [kept]) == 0
    phone.record_visit(households[1], note="回访")  # the next sync hears of the new epoch
    ids = [r["id"] for r in phone.outbox()]
    phone.wait_for(lambda: db(visits_of, ids) == 2)
    phone.wait_until_drained()
    assert len(db(receipts, [kept])) == 2  # sent once before the restore, once after

"""How the drain treats answers other than a plain success."""

from __future__ import annotations

import time

import pytest

from tests.browser.phone import visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def test_a_busy_server_keeps_every_entry_and_is_asked_again_after_retry_after(phone, context, db):
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    context.set_offline(True)
    ids = phone.queue_visits(households, 3)
    attempts = []

    def busy_once(route):
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            route.fulfill(status=503, headers={"Retry-After": "3"}, body="busy")
        else:
            route.continue_()

    context.route("**/api/sync/push", busy_once)
    context.set_offline(False)
    phone.wait_for(lambda: attempts)
    assert sorted(r["id"] for r in phone.waiting()) == sorted(ids)
    phone.wait_until_drained(timeout=30)
    assert attempts[1] - attempts[0] >= 2.9
    assert db(visits_of, ids) == 3


def test_an_entry_the_server_cannot_take_yet_stays_pending_not_refused(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    context.set_offline(True)
    [entry_id] = phone.queue_visits([household], 1)
    phone.page.evaluate(
        """async (id) => {
            const outbox = await import('/static/outbox.js');
            await outbox.update([id], (r) => {
                r.body = r.body.replace('"schema":1', '"schema":99');  // from a newer app
            });
        }""",
        entry_id,
    )
    context.set_offline(False)
    phone.wait_for(lambda: phone.outbox()[0]["code"] == "unknown_kind")
    [record] = phone.outbox()
    assert record["state"] == "pending"
    phone.open("/sync")
    assert phone.page.locator("#attention-list li").count() == 0


async def _revoke_all_devices() -> None:
    from server.sync.tables import Device

    await Device.update({Device.revoked: True}, force=True)


def test_a_revoked_phone_wipes_the_accounts_entries_and_pages(phone, db):
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.record_visit(households[0], note="已同步")
    phone.wait_until_drained()  # the server now knows this phone
    db(_revoke_all_devices)
    # Whether the phone learns of it before or after this save, nothing of it stays behind.
    phone.open(f"/households/{households[1]}/visit")
    phone.fill_visit("被吊销之后")
    phone.save()
    phone.wait_for(lambda: phone.outbox() == [])
    assert phone.page.evaluate("caches.has('doorstep-pages')") is False

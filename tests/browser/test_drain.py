"""How the drain treats answers other than a plain success."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from tests.browser.phone import visits_of
from tests.helpers import household_ids_of

pytestmark = pytest.mark.browser


def queued_offline(phone, context, db, count: int) -> list[str]:
    """Log in, then save ``count`` visits with no network; the ids of their entries."""
    households = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    context.set_offline(True)
    return phone.queue_visits(households, count)


def test_a_busy_server_keeps_every_entry_and_is_asked_again_after_retry_after(phone, context, db):
    ids = queued_offline(phone, context, db, 3)
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
    db(_revoke_all_devices)  # which also ends the session: pages would ask for a login
    # An entry the phone saved before it heard of the revocation: nothing of it stays behind.
    phone.queue_visits(households[1:], 1)
    phone.page.evaluate("() => import('/static/drain.js').then((m) => m.drain({ force: true }))")
    phone.wait_for(lambda: phone.outbox() == [])
    assert phone.page.evaluate("caches.has('doorstep-pages')") is False


def online_refusing(context, refuses, status: int, body: dict) -> None:
    """Back online, with a server answering ``status`` to pushes for which ``refuses(request)``."""
    context.route(
        "**/api/sync/push",
        lambda route: (
            route.fulfill(status=status, json=body) if refuses(route.request) else route.continue_()
        ),
    )
    context.set_offline(False)


def test_a_batch_too_large_is_sent_again_in_halves(phone, context, db):
    ids = queued_offline(phone, context, db, 5)
    sizes = []

    def too_large(request) -> bool:
        sizes.append(len(json.loads(request.post_data)["entries"]))
        return sizes[-1] > 2

    online_refusing(context, too_large, 413, {"code": "too_large", "error": "too large"})
    phone.wait_until_drained()
    assert db(visits_of, ids) == 5
    assert sizes[0] == 5 and max(sizes[1:]) <= 2
    assert [r["state"] for r in phone.outbox()] == ["synced"] * 5


def test_a_batch_refused_whole_is_sent_one_by_one_and_the_refused_entry_parked(phone, context, db):
    ids = queued_offline(phone, context, db, 3)
    bad = ids[1]

    refused = {"code": "bad_request", "error": "格式不正确"}
    online_refusing(context, lambda request: bad in request.post_data, 400, refused)
    phone.wait_until_drained()
    assert db(visits_of, [ids[0], ids[2]]) == 2
    states = {r["id"]: (r["state"], r["code"]) for r in phone.outbox()}
    assert states[bad] == ("rejected", "bad_request")
    phone.open("/sync")
    expect(phone.page.locator("#attention-list li")).to_have_count(1)


def test_a_refusal_from_another_address_says_so_instead_of_no_answer(phone, context, db):
    [household, *_] = db(household_ids_of, "vol1")
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open("/sync")
    context.route(
        "**/api/sync/push",
        lambda route: route.fulfill(
            status=403, json={"code": "cross_site", "error": "Requests from other sites…"}
        ),
    )
    phone.queue_visits([household], 1)  # after the route: no drain sends it first
    phone.page.click("#sync-now")
    result = phone.page.locator("#sync-result")
    expect(result).to_contain_text("服务器不接受从这个地址打开的应用")
    expect(phone.page.locator("#notice-cross-site")).to_be_visible()
    assert [r["state"] for r in phone.outbox()] == ["pending"]

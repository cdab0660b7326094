"""Steps a volunteer takes on the phone, and what the test reads back (outbox, database)."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Error, Page, expect

from tests.support import DEMO_PASSWORD, LiveServer

SAVED = "已保存，待同步"
SYNC_TAG = "doorstep-drain"  # web/static/drain.js


class Phone:
    """A page driven like a volunteer's phone."""

    def __init__(self, page: Page, server: LiveServer) -> None:
        self.page = page
        self.server = server

    def url(self, path: str) -> str:
        return self.server.url + path

    def _worker_devtools(self):
        """A DevTools session with the app's worker registration: (session, its id)."""
        cdp = self.page.context.new_cdp_session(self.page)
        registrations: list[dict] = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda e: registrations.extend(e["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        self.wait_for(lambda: registrations)
        return cdp, registrations[0]["registrationId"]

    def fire_sync(self) -> None:
        """Fire the app's Background Sync at its active worker, as Chromium does when a
        network comes back (through DevTools, where the test cannot wait for Chromium)."""
        cdp, registration = self._worker_devtools()
        cdp.send(
            "ServiceWorker.dispatchSyncEvent",
            {
                "origin": self.server.url + "/",
                "registrationId": registration,
                "tag": SYNC_TAG,
                "lastChance": False,
            },
        )

    def deliver_push(self, data: str) -> None:
        """A web push message with ``data`` delivered to the app's worker (DevTools)."""
        cdp, registration = self._worker_devtools()
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": self.server.url + "/", "registrationId": registration, "data": data},
        )

    def log_in(self, username: str = "vol1", password: str = DEMO_PASSWORD) -> None:
        """Through the real login form."""
        self.page.goto(self.url("/login"))
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        expect(self.page.locator("body")).to_have_attribute("data-account", re.compile(r"\d+"))

    def log_out(self) -> None:
        """Through 我的 (/me); the page wipes the account's pages, then the form posts."""
        if not self.page.url.split("?")[0].endswith("/me"):
            self.open("/me")
        self.page.click("form.logout button")
        self.page.wait_for_url("**/login")

    def wait_for_worker(self) -> None:
        """Until the service worker is active and controls this page.

        A page whose navigation began while the worker was still activating is never
        claimed (the worker claimed the page before it); a reload is, as for a person.
        """
        self.page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        controlled = "navigator.serviceWorker.controller !== null"
        try:
            self.wait_for(lambda: self.page.evaluate(controlled), timeout=3)
        except AssertionError:
            self.page.reload()
            self.wait_for(lambda: self.page.evaluate(controlled))

    def open(self, path: str):
        """Navigate (a real navigation, answered by the worker when offline)."""
        return self.page.goto(self.url(path))

    def record_visit(self, household_id: int, note: str = "", level: str = "some") -> None:
        """Fill in and save the visit form of a household; waits for 已保存 (on the household
        page, or on the form again when that page cannot be opened offline)."""
        self.open(f"/households/{household_id}/visit")
        self.fill_visit(note, level)
        self.save()
        expect(self.page.locator("#status")).to_have_text(SAVED)
        self.page.wait_for_load_state()

    def fill_visit(self, note: str = "", level: str = "some") -> None:
        """身体健康 at ``level`` with ``note``; the other three areas answered 无需求."""
        self.page.check(f"[name='needs.health.level'][value={level}]")
        for area in ("training", "livelihood", "work_school"):
            self.page.check(f"[name='needs.{area}.level'][value=none]")
        self.page.fill("#note-health", note)

    def save(self) -> None:
        self.page.locator("#status").evaluate("el => { el.textContent = '' }")
        self.page.click("#visit-form button[type=submit]")

    def queue_visits(self, household_ids: list[int], count: int) -> list[str]:
        """Save ``count`` visits straight into the outbox (the page's own modules, no form)."""
        return self.page.evaluate(
            """async ([households, count]) => {
                const outbox = await import('/static/outbox.js');
                const { visitEntry } = await import('/static/visit.js');
                const ids = [];
                for (let n = 0; n < count; n++) {
                    const form = new FormData();
                    form.set('visited_at', new Date().toISOString().slice(0, 16));
                    form.set('needs.health.level', 'some');
                    form.set('needs.health.note', `queued ${n}`);
                    for (const area of ['training', 'livelihood', 'work_school']) {
                        form.set(`needs.${area}.level`, 'none');
                    }
                    const household = households[n % households.length];
                    const entry = visitEntry(form, household);
                    ids.push((await outbox.save(document.body.dataset.account, entry)).id);
                }
                return ids;
            }""",
            [household_ids, count],
        )

    def outbox(self) -> list[dict]:
        """Every outbox record on the phone (read again if a navigation, such as the
        household page opening after a save, interrupted the read)."""
        try:
            return self._outbox()
        except Error as error:
            if "context was destroyed" not in str(error):
                raise
            self.page.wait_for_load_state()
            return self._outbox()

    def _outbox(self) -> list[dict]:
        return self.page.evaluate(
            """async () => {
                const outbox = await import('/static/outbox.js');
                const db = await outbox.openDb();
                return await new Promise((resolve, reject) => {
                    const request = db.transaction('entries').objectStore('entries').getAll();
                    request.onsuccess = () => resolve(request.result);
                    request.onerror = () => reject(request.error);
                });
            }"""
        )

    def waiting(self) -> list[dict]:
        """Records not yet acknowledged by the server."""
        return [r for r in self.outbox() if r["state"] != "synced"]

    def pending_badge(self) -> str:
        return self.page.locator("#pending-count").inner_text()

    def wait_until_drained(self, timeout: float = 20.0) -> None:
        """Until nothing of the account is pending or sending (rejected ones stay)."""
        self.wait_for(
            lambda: not [r for r in self.outbox() if r["state"] in ("pending", "sending")],
            timeout,
        )

    def wait_for(self, condition, timeout: float = 20.0) -> None:
        """Poll ``condition`` while letting the browser's events run."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting")
            self.page.wait_for_timeout(200)


async def receipts(entry_ids: list[str]) -> list[dict]:
    """What the server received for these entry ids (every copy, with its account)."""
    from server.entries.tables import EntryReceipt

    rows = await EntryReceipt.select(
        EntryReceipt.entry_id, EntryReceipt.account.username, EntryReceipt.status
    ).where(EntryReceipt.entry_id.is_in(entry_ids or ["-"]))
    return [
        {"id": r["entry_id"], "account": r["account.username"], "status": r["status"]} for r in rows
    ]


async def visits_of(entry_ids: list[str]) -> int:
    """How many visits the server counts for these entry ids."""
    import uuid

    from server.entries.kinds.visit import Visit

    return await Visit.count().where(Visit.entry.is_in([uuid.UUID(i) for i in entry_ids]))


async def end_sessions(username: str) -> None:
    """Every session of ``username`` expires (as after weeks offline)."""
    from server.accounts.tables import Account, AuthSession

    account = await Account.select(Account.id).where(Account.username == username).first()
    await AuthSession.delete().where(AuthSession.account == account["id"])


async def stored_entries() -> list[dict]:
    """Every entry the server stored: id, account username, body."""
    from server.entries.tables import Entry

    rows = await Entry.select(Entry.id, Entry.account.username, Entry.body, Entry.kind)
    return [
        {"id": str(r["id"]), "account": r["account.username"], "body": r["body"], "kind": r["kind"]}
        for r in rows
    ]

"""A new version deployed while entries wait on the phone: 更新, then they still go up."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.phone import stored_entries
from tests.helpers import household_ids_of
from tests.support import ROOT

pytestmark = pytest.mark.browser
DB_VERSION = re.compile(r"const DB_VERSION = (\d+);")
SHELL_CACHES = "caches.keys().then((names) => names.filter((n) => n.includes('shell')))"


def _next_release(target):
    """A copy of the project with a changed stylesheet and the next outbox database version."""
    for name in ("server", "web", "service_worker", "migrations"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("piccolo_conf.py", "pyproject.toml"):
        shutil.copy(ROOT / name, target / name)
    with open(target / "web" / "static" / "app.css", "a") as css:
        css.write("\n/* next release */\n")
    outbox = target / "web" / "static" / "outbox.js"
    source = outbox.read_text()
    version = int(DB_VERSION.search(source)[1]) + 1
    outbox.write_text(DB_VERSION.sub(f"const DB_VERSION = {version};", source))
    return target, version


def _deploy_next_release(phone, context, live_server, tmp_path, push):
    """Pushes go through ``push``; the next release is served; the phone, back online,
    reloads and is offered 更新 (its locator). Returns it and the release's outbox version."""
    context.route("**/api/sync/push", push)
    live_server.stop()
    live_server.root, version = _next_release(tmp_path)
    live_server.start()
    context.set_offline(False)
    phone.page.reload()
    update = phone.page.locator("#notice-update")
    expect(update).to_be_visible(timeout=15_000)
    return update, version


def test_entries_saved_before_an_update_go_up_byte_for_byte_after_it(
    phone, context, live_server, db, tmp_path
):
    households = db(household_ids_of, "vol1")[:2]
    phone.log_in("vol1")
    phone.wait_for_worker()
    for household in households:
        phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    for n, household in enumerate(households * 2):
        phone.record_visit(household, note=f"before the update {n}")
    bodies = {r["id"]: r["body"] for r in phone.waiting()}
    old_shell = phone.page.evaluate(SHELL_CACHES)

    sent = []
    blocked = [True]  # until the update, pushes do not get through

    def push(route):
        if blocked[0]:
            route.abort()
        else:
            sent.append(route.request.post_data)
            route.continue_()

    update, next_version = _deploy_next_release(phone, context, live_server, tmp_path, push)
    blocked[0] = False
    with phone.page.expect_navigation():
        update.get_by_role("button", name="更新").click()
    phone.wait_until_drained()
    new_shell = phone.page.evaluate(SHELL_CACHES)
    assert len(new_shell) == 1 and new_shell != old_shell
    for body in bodies.values():
        assert any(body in request for request in sent), "sent as first written"
    stored = {r["id"]: json.loads(r["body"]) for r in db(stored_entries) if r["id"] in bodies}
    assert stored == {i: json.loads(b) for i, b in bodies.items()}
    assert phone.page.evaluate("indexedDB.databases()") == [
        {"name": "doorstep", "version": next_version}
    ]


def test_update_takes_over_at_once_while_the_worker_retries_a_sync(
    phone, context, live_server, db, tmp_path
):
    """A worker busy with an event is replaced only when the event ends: its retries (26 s of
    pauses when the server cannot be reached) must not hold the tapped 更新."""
    household = db(household_ids_of, "vol1")[0]
    phone.log_in("vol1")
    phone.wait_for_worker()
    phone.open(f"/households/{household}/visit")
    context.set_offline(True)
    phone.record_visit(household, note="waiting through an update")
    by_worker = []

    def push(route):
        if route.request.service_worker:
            by_worker.append(route.request.url)
        route.abort()

    update, _ = _deploy_next_release(phone, context, live_server, tmp_path, push)
    phone.fire_sync()
    phone.wait_for(lambda: by_worker, 10)  # the sync's first try failed: it pauses, tries again
    # Held by the sync, the new version would take over 25 s and more from here.
    with phone.page.expect_navigation(timeout=15_000):
        update.get_by_role("button", name="更新").click()
    assert [r["body"] for r in phone.waiting()], "the visit still waits to be sent"

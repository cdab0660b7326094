"""培训学员 with no network: the leader's phone kept the trainee form of their team's
first-aid training; trainees saved there offline reach the server once, as typed."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.activity_helpers import an_activity
from tests.browser.phone import SAVED, stored_entries
from tests.browser.test_offline_reading import logged_in

pytestmark = pytest.mark.browser


def test_trainees_saved_offline_reach_the_server_once(phone, context, db, errors):
    fields = {"kind": "first_aid_training", "area": "", "title": "应急救护培训"}
    activity = db(an_activity, fields, "vol1")  # the leader's own team's
    logged_in(phone, "vol1")
    context.set_offline(True)
    assert phone.open(f"/activities/{activity}/training").from_service_worker
    page = phone.page
    page.check("[name=category][value=first_aider]")
    page.fill("#f-trainees-0-name", "刘春燕")
    page.locator("#training-form details").first.locator("summary").click()
    page.select_option("#f-trainees-0-certificate", "passed")
    page.fill("#f-trainees-0-certificate_number", "HB2026-0117")
    page.click("#training-form button[type=submit]")
    expect(page.locator("#status")).to_have_text(SAVED)
    context.set_offline(False)

    def counts():
        return [e for e in db(stored_entries) if e["kind"] == "training_count"]

    phone.wait_for(lambda: counts())
    [stored] = counts()
    assert json.loads(stored["body"])["data"] == {
        "activity_id": str(activity),
        "category": "first_aider",
        "trainees": [
            {"name": "刘春燕", "certificate": "passed", "certificate_number": "HB2026-0117"}
        ],
    }
    assert errors == []

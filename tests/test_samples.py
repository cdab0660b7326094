"""Every (kind, schema) ever shipped keeps a sample payload here, and the server still takes it.

A phone can hold entries written by an older app version for weeks; these files
are what such a phone sends. ``tests/samples/<kind>-<schema>.json`` is one entry
exactly as the outbox stores its body; ids of rows that only exist in a real
deployment (the household, companions) are replaced with demo ones at test time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.activity_helpers import create_activity
from tests.admin_helpers import team_id
from tests.catalogue_helpers import CATALOGUE_OF, item_ids, member_ids, with_demo_rows
from tests.helpers import household_ids_of
from tests.notice_helpers import notice_to
from tests.support import ORIGIN

SAMPLES = Path(__file__).parent / "samples"


def sample_files():
    return sorted(SAMPLES.glob("*.json"))


def account_id(username):
    from server.accounts.tables import Account

    async def find():
        row = await Account.select(Account.id).where(Account.username == username).first()
        return row["id"]

    return find()


def with_demo_ids(entry, household_id, companion_id, activity_id=None, notice_id=None):
    data = dict(entry["data"])
    if "activity_id" in data:
        data["activity_id"] = str(activity_id)
    if "notice_id" in data:
        data["notice_id"] = str(notice_id)
    if "household_id" in data:
        data["household_id"] = str(household_id)
    if data.get("companions"):
        data["companions"] = [str(companion_id)]
    return {**entry, "data": data}


@pytest.mark.parametrize("path", sample_files(), ids=lambda p: p.stem)
def test_a_shipped_sample_is_accepted(path, vol1, db, as_user):
    [household, *_] = db(household_ids_of, "vol1")
    companion = db(account_id, "vol2")
    entry = json.loads(path.read_text())
    activity = None
    if "activity_id" in entry["data"]:
        # vol1 leads the team: a training's counts are theirs to record.
        activity = create_activity(
            as_user("coord"),
            team=str(db(team_id, "郧阳区志愿服务一队")),
            signup="on",
            kind="first_aid_training",
        )
    notice = db(notice_to, "vol1")
    entry = with_demo_ids(entry, household, companion, activity, notice)
    if entry["kind"] in CATALOGUE_OF:
        items = list(db(item_ids, CATALOGUE_OF[entry["kind"]]).values())
        entry = with_demo_rows(entry, items, db(member_ids, household)[0])
    body = {"device_id": "sample-device", "app_version": "sample", "entries": [entry]}
    response = vol1.post(
        "/api/sync/push",
        content=json.dumps(body, ensure_ascii=False),
        headers={"Content-Type": "application/json", "Origin": ORIGIN},
    )
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": entry["id"], "status": "accepted", "code": "", "error": ""}
    ]


def test_every_kind_the_server_stores_has_a_sample():
    from server.entries.kinds.registry import KINDS

    shipped = {p.stem for p in sample_files()}
    assert {f"{kind}-{schema}" for kind, schema in KINDS} <= shipped


def test_each_kind_module_carries_its_shipped_sample():
    from server.entries.kinds.registry import KINDS

    for (kind, schema), module in KINDS.items():
        shipped = json.loads((SAMPLES / f"{kind}-{schema}.json").read_text())
        assert module.sample == shipped, f"{kind}-{schema}: a shipped sample never changes"


def test_each_sample_is_named_after_its_kind_and_schema():
    for path in sample_files():
        entry = json.loads(path.read_text())
        assert path.stem == f"{entry['kind']}-{entry['schema']}"

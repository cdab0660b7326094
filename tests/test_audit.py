"""Every write leaves an audit row, in the same transaction as the change."""

from __future__ import annotations

import json

from tests.builders import push, visit_entry
from tests.helpers import household_ids_of, visit_form


def _audit(db, **where):
    from server.audit.tables import AuditLog

    async def rows():
        query = AuditLog.select()
        for key, value in where.items():
            query = query.where(getattr(AuditLog, key) == value)
        return await query

    return db(rows)


def test_a_visit_from_the_form_is_audited_with_its_data(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["needs.health.level"] = "some"
    fields["needs.health.note"] = "需要血压计"
    vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    [row] = _audit(db, row_id=fields["entry_id"])
    assert row["action"] == "visit.create"
    assert row["table_name"] == "entry"
    assert row["before"] is None
    assert json.loads(row["after"])["needs"]["health"]["note"] == "需要血压计"
    assert row["actor"] is not None


def test_a_duplicate_visit_adds_no_second_audit_row(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert len(_audit(db, row_id=fields["entry_id"])) == 1


def test_a_pushed_entry_is_audited(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    entry = visit_entry(household, recorded_at="2026-11-28T09:00:00+08:00")
    entry_id = entry["id"]
    push(vol1, [entry], device_id="d")
    assert [r["action"] for r in _audit(db, row_id=entry_id)] == ["visit.create"]


def test_login_and_logout_are_audited(client, db):
    from tests.support import login

    before = len(_audit(db, action="session.start"))
    login(client, "vol2")
    assert len(_audit(db, action="session.start")) == before + 1
    client.post("/logout", data={"_csrf_token": client.cookies["csrftoken"]})
    assert len(_audit(db, action="session.end")) == 1


def test_the_demo_writes_are_audited(db):
    from server.households.tables import Household

    async def count():
        return await Household.count()

    assert len(_audit(db, action="household.create")) == db(count)
    assert len(_audit(db, action="account.create")) == 5

"""培训学员: the form a first-aid training's leader (or coordinator) records trainees with,
posted without the outbox: the same ``training_count`` entry, the same ingest path."""

from __future__ import annotations

import json

from tests.admin_helpers import post_form
from tests.checkin_helpers import team_activity
from tests.support import form_fields


def _form(client, activity: int, **typed: str) -> dict[str, str]:
    page = client.get(f"/activities/{activity}/training")
    assert page.status_code == 200, page.text
    fields = {k: v for k, v in form_fields(page.text).items() if k != "_csrf_token"}
    return {**fields, **typed}


async def _stored(activity: int) -> list[dict]:
    from server.entries.kinds.training_count import TrainingCount
    from server.entries.tables import Entry

    rows = await TrainingCount.select(TrainingCount.entry).where(TrainingCount.activity == activity)
    ids = [r["entry"] for r in rows] or [None]
    bodies = await Entry.select(Entry.body).where(Entry.id.is_in(ids))
    return [json.loads(b["body"])["data"] for b in bodies]


def test_the_leader_records_first_aiders_with_their_certificates(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    typed = {
        "category": "first_aider",
        "trainees.0.name": "刘春燕",
        "trainees.0.phone": "13907191234",
        "trainees.0.certificate": "passed",
        "trainees.0.certificate_number": "HB2026-0117",
        "trainees.0.certificate_date": "2026-12-20",
        "trainees.1.name": "王德山",
        "trainees.1.certificate": "absent",
    }
    response = post_form(vol1, f"/activities/{activity}/training", _form(vol1, activity, **typed))
    assert response.status_code == 303
    assert response.headers["location"] == f"/activities/{activity}/training?saved=accepted"
    [data] = db(_stored, activity)
    assert data["trainees"] == [
        {"name": "刘春燕", "phone": "13907191234", "certificate": "passed",
         "certificate_number": "HB2026-0117", "certificate_date": "2026-12-20"},
        {"name": "王德山", "certificate": "absent"},
    ]  # fmt: skip
    page = vol1.get(f"/activities/{activity}/training").text
    assert 'id="first_aider-people" value="2"' in page


def test_public_training_may_be_a_headcount_only(db, as_user):
    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training")
    form = _form(coord, activity, category="public", headcount="120")
    assert post_form(coord, f"/activities/{activity}/training", form).status_code == 303
    assert db(_stored, activity) == [
        {"activity_id": str(activity), "category": "public", "trainees": [], "headcount": 120}
    ]


def test_posting_the_same_form_twice_stores_it_once(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    form = _form(vol1, activity, category="trainer", **{"trainees.0.name": "陈老师"})
    post_form(vol1, f"/activities/{activity}/training", form)
    again = post_form(vol1, f"/activities/{activity}/training", form)
    assert again.headers["location"].endswith("saved=duplicate")
    assert len(db(_stored, activity)) == 1


def test_an_empty_form_is_refused_and_keeps_what_was_typed(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    form = _form(vol1, activity, category="first_aider", **{"trainees.0.phone": "13907191234"})
    response = post_form(vol1, f"/activities/{activity}/training", form)
    assert response.status_code == 422
    assert "请填写学员姓名" in response.text
    assert 'value="13907191234"' in response.text
    assert db(_stored, activity) == []


def test_a_bad_certificate_date_is_refused_in_the_users_language(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    typed = {"category": "first_aider", "trainees.0.name": "刘春燕"}
    typed["trainees.0.certificate_date"] = "2026-13-40"
    response = post_form(vol1, f"/activities/{activity}/training", _form(vol1, activity, **typed))
    assert response.status_code == 422
    assert "取证日期不是有效日期" in response.text
    assert db(_stored, activity) == []


def test_only_who_manages_a_first_aid_training_has_the_form(db, as_user, vol1):
    training, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    other, _ = team_activity(db, as_user("coord"))
    assert as_user("vol2").get(f"/activities/{training}/training").status_code == 404
    assert vol1.get(f"/activities/{other}/training").status_code == 404
    assert 'id="training-link"' in vol1.get(f"/activities/{training}").text
    assert 'id="training-link"' not in vol1.get(f"/activities/{other}").text


def test_a_trainee_phone_that_breaks_the_phone_rule_is_refused_in_words(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    typed = {"category": "first_aider", "trainees.0.name": "刘春燕", "trainees.0.phone": "12345"}
    response = post_form(vol1, f"/activities/{activity}/training", _form(vol1, activity, **typed))
    assert response.status_code == 422
    assert "请输入11位手机号，或带区号的座机号码" in response.text
    assert 'value="12345"' in response.text
    assert db(_stored, activity) == []


def test_a_trainee_phone_is_kept_as_the_phone_rule_writes_it(db, as_user, vol1):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    typed = {"category": "trainer", "trainees.0.name": "陈老师"}
    typed["trainees.0.phone"] = "+86 139 0719 1234"
    post_form(vol1, f"/activities/{activity}/training", _form(vol1, activity, **typed))
    [data] = db(_stored, activity)
    assert data["trainees"] == [{"name": "陈老师", "phone": "13907191234"}]

"""Recording a visit through the server-rendered form (no JavaScript needed)."""

from __future__ import annotations

from tests.helpers import errors_in, household_ids_of, visit_form


def _visits(db, household_id):
    from server.entries.kinds.visit import Visit

    async def count():
        return await Visit.count().where(Visit.household == household_id)

    return db(count)


def test_a_posted_visit_appears_on_the_household_page(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["needs.health.level"] = "urgent"
    fields["needs.health.note"] = "高血压，药快吃完了"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 303
    page = vol1.get(response.headers["location"])
    assert "已保存" in page.text
    assert "高血压，药快吃完了" in page.text


def test_the_same_form_posted_twice_is_stored_once(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = _visits(db, household)
    fields = visit_form(vol1, household)
    first = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    second = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert first.headers["location"].endswith("saved=accepted")
    assert second.headers["location"].endswith("saved=duplicate")
    assert "已经保存过" in vol1.get(second.headers["location"]).text
    assert _visits(db, household) == before + 1


def test_the_same_id_with_different_content_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    fields["needs.training.level"] = "some"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    assert "该条目编号已用于不同的内容。" in errors_in(response.text)


def test_an_urgent_need_without_a_note_is_explained_next_to_the_field(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = _visits(db, household)
    fields = visit_form(vol1, household)
    fields["needs.livelihood.level"] = "urgent"
    fields["follow_up_note"] = "typed text"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    assert 'id="err-needs-livelihood-note" class="error">请说明急需的内容。' in response.text
    assert 'value="urgent" checked' in response.text
    assert _visits(db, household) == before


def test_a_follow_up_without_a_note_keeps_what_was_typed(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["follow_up"] = "1"
    fields["needs.health.note"] = "腿脚不便，需要轮椅"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    assert "请填写需要跟进的内容。" in errors_in(response.text)
    assert "腿脚不便，需要轮椅" in response.text


def test_a_visit_time_that_is_not_a_time_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["visited_at"] = "yesterday"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    assert "时间格式不正确。" in errors_in(response.text)


def test_an_htmx_post_with_an_error_returns_only_the_form(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["needs.health.level"] = "urgent"
    response = vol1.post(
        f"/households/{household}/visit", data=fields, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith("<form")
    assert "请说明急需的内容。" in response.text


def test_an_htmx_post_that_saves_sends_the_browser_to_the_household(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    response = vol1.post(
        f"/households/{household}/visit", data=fields, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f"/households/{household}?saved=accepted" in response.headers["HX-Location"]


def test_inline_check_fills_the_error_slots_out_of_band(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["needs.work_school.level"] = "urgent"
    response = vol1.post(
        f"/households/{household}/visit/check", data=fields, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert (
        '<p id="err-needs-work_school-note" class="error" hx-swap-oob="true">请说明急需的内容。</p>'
        in response.text
    )
    assert '<p id="err-visited_at" class="error" hx-swap-oob="true"></p>' in response.text


def test_a_visit_with_a_companion_counts_once(as_user, db):
    vol1 = as_user("vol1")
    [household, *_] = db(household_ids_of, "vol1")
    before = _visits(db, household)
    page = vol1.get(f"/households/{household}/visit").text
    assert "李红梅" in page  # vol2 is in vol1's team
    import re

    companion = re.search(r'name="companions" value="(\d+)"', page).group(1)
    fields = visit_form(vol1, household)
    fields["companions"] = companion
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert _visits(db, household) == before + 1


def test_a_form_post_without_the_csrf_token_is_refused(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    del fields["_csrf_token"]
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 403


def test_a_fresh_form_has_no_need_level_chosen(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    page = vol1.get(f"/households/{household}/visit").text
    assert page.count('type="radio" name="needs.') == 12
    assert "checked" not in page.split('name="follow_up"')[0]


def test_a_visit_with_areas_left_unanswered_is_refused_naming_them(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = _visits(db, household)
    fields = visit_form(vol1, household)
    del fields["needs.health.level"], fields["needs.livelihood.level"]
    fields["needs.training.note"] = "想学电工"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    errors = errors_in(response.text)
    assert "尚未保存：请为身体健康、产业发展选择需求程度。" in errors
    choose = "请选择：无需求、有需求或急需。"
    assert f'id="err-needs-health-level" class="error">{choose}' in response.text
    assert 'id="err-needs-livelihood-level" class="error">请选择' in response.text
    assert 'id="err-needs-training-level" class="error"></p>' in response.text
    assert "想学电工" in response.text
    assert _visits(db, household) == before


def test_unanswered_areas_are_said_together_with_the_other_mistakes(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    del fields["needs.health.level"]
    fields["needs.work_school.level"] = "urgent"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    assert "请说明急需的内容。" in errors_in(response.text)
    assert "尚未保存：请为身体健康选择需求程度。" in errors_in(response.text)


def test_the_inline_check_leaves_areas_not_reached_yet_alone(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    del fields["needs.training.level"]
    response = vol1.post(
        f"/households/{household}/visit/check", data=fields, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert errors_in(response.text) == []


def test_a_note_over_the_limit_is_said_next_to_it_and_kept_whole(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields = visit_form(vol1, household)
    fields["needs.health.note"] = "药" * 501
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 422
    too_long = "内容过长：最多 500 个字。请删减；已填写的内容没有被截掉。"
    assert f'id="err-needs-health-note" class="error">{too_long}' in response.text
    assert "药" * 501 in response.text

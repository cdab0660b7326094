"""我的 (/me): my own entries newest first with the latest values of each chain, totals that
count only those, correcting a visit and voiding an entry by plain form posts, and the tab."""

from __future__ import annotations

import re
import uuid

from tests.activity_helpers import signup_entry
from tests.builders import correction_entry, push_results
from tests.checkin_helpers import team_activity
from tests.helpers import household_ids_of, visit_form
from tests.notice_helpers import notice_read_entry, notice_to
from tests.support import csrf, form_fields
from tests.test_corrections import LATER, accepted, latest_needs, visit, visit_data


def totals(client) -> str:
    page = client.get("/me").text
    return re.sub(r"\s+", " ", page.split('id="my-totals">', 1)[1].split("</p>", 1)[0])


def visits_counted(client) -> int:
    """The 户次 figure of 我的."""
    return int(re.findall(r"\d+", totals(client))[0])


def records(client) -> list[str]:
    page = client.get("/me").text
    listing = page.split('id="my-entries"', 1)[1].split("</ol>", 1)[0]
    return ['<li class="row record' + r for r in listing.split('<li class="row record')[1:]]


def test_the_tabs_name_me_instead_of_sync(vol1):
    nav = vol1.get("/").text.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/me"' in nav and "我的" in nav and 'href="/sync"' not in nav


def test_me_links_sync_and_logout(vol1):
    page = vol1.get("/me").text
    assert 'href="/sync"' in page and 'action="/logout"' in page
    assert vol1.get("/sync").status_code == 200


def test_my_record_lists_my_entries_newest_first(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    older = visit(household, "早的")
    newer = {**visit(household, "晚的"), "recorded_at": LATER}
    accepted(push_results(vol1, [older, newer]))
    rows = [r for r in records(vol1) if "晚的" in r or "早的" in r]
    assert "晚的" in rows[0] and "早的" in rows[1]


def test_my_record_shows_a_corrected_entry_once_with_its_latest_values(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "原值")
    accepted(push_results(vol1, [original]))
    accepted(push_results(vol1, [correction_entry(original["id"], visit_data(household, "新值"))]))
    [row] = [r for r in records(vol1) if "原值" in r or "新值" in r]
    assert "新值" in row and "已更正" in row


def test_my_record_marks_a_voided_entry_in_words(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "作废它")
    accepted(push_results(vol1, [original, correction_entry(original["id"], None, "错了")]))
    [row] = [r for r in records(vol1) if "作废它" in r]
    assert "voided" in row.split(">", 1)[0] and "已作废" in row


def test_totals_count_the_latest_of_each_chain_and_no_voided_one(vol1, db):
    ids = db(household_ids_of, "vol1")
    before = visits_counted(vol1)
    first, second = visit(ids[0], "一"), visit(ids[1], "二")
    accepted(push_results(vol1, [first, second]))
    fix = correction_entry(first["id"], visit_data(ids[0], "一改"))
    again = correction_entry(first["id"], visit_data(ids[0], "一再改"))
    accepted(push_results(vol1, [fix, again]))
    assert visits_counted(vol1) == before + 2  # two visits, however often corrected
    accepted(push_results(vol1, [correction_entry(second["id"], None, "走错了")]))
    assert visits_counted(vol1) == before + 1


def test_the_visit_form_opens_a_recorded_visit_to_correct_it(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "要改的")
    accepted(push_results(vol1, [original]))
    page = vol1.get(f"/households/{household}/visit?correct={original['id']}").text
    assert form_fields(page)["supersedes"] == original["id"]
    assert re.search(r'name="needs.health.note"[^>]*>要改的</textarea>', page)


def test_someone_else_s_visit_does_not_open_for_correction(vol1, as_user, db):
    from tests.pull_helpers import pair

    household = db(household_ids_of, "vol1")[0]
    db(pair, "vol2", household)
    original = visit(household, "张的")
    accepted(push_results(vol1, [original]))
    response = as_user("vol2").get(f"/households/{household}/visit?correct={original['id']}")
    assert response.status_code == 404


def test_posting_the_correction_form_replaces_the_visit_s_values(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "改之前")
    accepted(push_results(vol1, [original]))
    fields = visit_form(vol1, household)
    page = vol1.get(f"/households/{household}/visit?correct={original['id']}").text
    fields.update(form_fields(page))
    fields["_csrf_token"] = csrf(vol1)
    fields["needs.health.level"] = "some"
    fields["needs.health.note"] = "改之后"
    response = vol1.post(f"/households/{household}/visit", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    needs = latest_needs(vol1, household)
    assert "改之后" in needs and "改之前" not in needs


def test_voiding_from_the_page_without_a_reason_says_why_and_stores_nothing(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "留着")
    accepted(push_results(vol1, [original]))
    form = {"_csrf_token": csrf(vol1), "entry_id": "8b0f7a52-3d1e-4c9a-a1b2-0c3d4e5f6a7b"}
    form.update({"supersedes": original["id"], "reason": "", "next": "/me"})
    response = vol1.post("/me/void", data=form)
    assert response.status_code == 422 and "请说明作废的原因" in response.text
    assert "留着" in latest_needs(vol1, household)


def test_a_coordinator_voids_a_visit_from_the_household_page(vol1, as_user, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "重复的")
    accepted(push_results(vol1, [original]))
    coord = as_user("coord")
    page = coord.get(f"/households/{household}").text
    form_html = page.split(f'data-supersedes="{original["id"]}"', 1)[1].split("</form>", 1)[0]
    fields = form_fields("<form " + form_html + "</form>")
    fields.update({"_csrf_token": csrf(coord), "reason": "重复录入"})
    response = coord.post("/me/void", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/households/{household}")
    assert "重复的" not in latest_needs(vol1, household)


def _trainees(activity: int, category: str = "first_aider") -> dict:
    from tests.builders import RECORDED_AT

    trainee = {"name": "刘春燕", "phone": "13907191234", "certificate": "passed"}
    data = {"activity_id": str(activity), "category": category, "trainees": [trainee]}
    return {"id": str(uuid.uuid4()), "kind": "training_count", "schema": 1,
            "recorded_at": RECORDED_AT, "data": data}  # fmt: skip


def test_my_record_names_trainees_in_words_never_by_their_codes(vol1, as_user, db):
    activity, _ = team_activity(db, as_user("coord"), kind="first_aid_training")
    accepted(push_results(vol1, [_trainees(activity)]))
    [row] = [r for r in records(vol1) if "刘春燕" in r]
    text = re.sub(r"<[^>]+>", " ", row)
    assert "培训学员" in text and "救护员" in text and "合格" in text
    for code in ("training_count", "first_aider", "activity_id", "passed", "trainees"):
        assert code not in text


def test_my_record_names_the_activity_an_entry_is_about(vol1, as_user, db):
    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training", title="华家河村急救培训")
    accepted(push_results(vol1, [_trainees(activity)]))
    [row] = [r for r in records(vol1) if "刘春燕" in r]
    summary = row.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert "华家河村急救培训" in summary


def test_my_record_names_a_sign_up_in_words(vol1, as_user, db):
    activity, _ = team_activity(db, as_user("coord"), title="重阳节敬老服务", signup="on")
    accepted(push_results(vol1, [signup_entry(activity)]))
    [row] = [r for r in records(vol1) if "重阳节敬老服务" in r]
    text = re.sub(r"<[^>]+>", " ", row)
    assert "活动报名" in text
    assert "activity_signup" not in text and "activity_id" not in text


def test_my_record_leaves_out_the_notices_i_marked_as_read(vol1, db):
    notice = db(notice_to, "vol1", "冬季防火安全提醒")
    accepted(push_results(vol1, [notice_read_entry(notice)]))
    page = vol1.get("/me").text
    listing = page.split('id="my-entries"', 1)[1].split("</ol>", 1)[0]
    assert "notice" not in listing


def test_my_record_names_every_kind_for_entries_still_on_the_phone(vol1):
    from server.entries.kinds import registry

    labels = vol1.get("/me").text.split('id="overlay-labels"', 1)[1].split(">", 1)[0]
    for kind in {name for name, _ in registry.KINDS} - {"correction", "notice_read"}:
        label = re.search(rf'data-pending-kind-{kind}="([^"]*)"', labels)
        assert label and label.group(1) and kind not in label.group(1), kind

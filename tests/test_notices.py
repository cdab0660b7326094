"""通知: coordinators send notices to a team, an area or everyone they look after; each
lands in its recipients' inboxes, comes with their pull, and its reading comes back as an
entry, which the sender's counts show."""

from __future__ import annotations

from tests.admin_helpers import area_id, team_id
from tests.builders import push_results
from tests.notice_helpers import counts_of, notice_read_entry, send_notice, sent_notice_id
from tests.pull_helpers import of_kind, pull_all


def test_a_notice_to_a_team_reaches_its_volunteers_pulls_and_no_one_else(as_user, db):
    coord = as_user("coord")
    team = db(team_id, "郧阳区志愿服务一队")
    assert send_notice(coord, "明天上午集合", f"team:{team}").status_code == 303
    notice_id = sent_notice_id(coord, "明天上午集合")
    for username in ("vol1", "vol2"):
        changes, _ = pull_all(as_user(username))
        [notice] = of_kind(changes, "notice")
        assert notice["id"] == str(notice_id)
        assert notice["data"]["title"] == "明天上午集合"
        assert notice["data"]["read"] is False
    assert of_kind(pull_all(as_user("vol3"))[0], "notice") == []


def test_a_notice_to_everyone_reaches_only_the_accounts_the_coordinator_looks_after(as_user):
    coord = as_user("coord")
    assert send_notice(coord, "全体注意").status_code == 303
    assert counts_of(coord, sent_notice_id(coord, "全体注意"))["recipients"] == 2


def test_a_team_outside_the_coordinators_areas_is_refused(as_user, db):
    coord = as_user("coord")
    other = db(team_id, "房县志愿服务队")
    response = send_notice(coord, "越界", f"team:{other}")
    assert response.status_code == 422
    assert "越界" not in coord.get("/notices").text.split('id="sent-notices"')[1]


def test_a_notice_to_an_area_reaches_the_teams_under_it(as_user, db):
    coord = as_user("coord")
    assert send_notice(coord, "区里的通知", f"area:{db(area_id, '郧阳区')}").status_code == 303
    assert counts_of(coord, sent_notice_id(coord, "区里的通知"))["recipients"] == 2


def test_the_inbox_lists_a_notice_unread_and_its_page_shows_it(as_user):
    coord = as_user("coord")
    send_notice(coord, "培训通知", body="周六9点在镇卫生院")
    notice_id = sent_notice_id(coord, "培训通知")
    vol1 = as_user("vol1")
    inbox = vol1.get("/inbox").text
    assert "培训通知" in inbox and "未读" in inbox
    page = vol1.get(f"/inbox/{notice_id}").text
    assert "周六9点在镇卫生院" in page
    assert as_user("vol3").get(f"/inbox/{notice_id}").status_code == 404


def test_pulling_a_notice_counts_it_as_delivered(as_user):
    coord = as_user("coord")
    send_notice(coord, "送达统计")
    notice_id = sent_notice_id(coord, "送达统计")
    assert counts_of(coord, notice_id)["delivered"] == 0
    pull_all(as_user("vol1"))
    assert counts_of(coord, notice_id) == {"recipients": 2, "delivered": 1, "read": 0}


def test_a_notice_read_entry_counts_the_reading_and_the_pull_says_read(as_user):
    coord = as_user("coord")
    send_notice(coord, "已读统计")
    notice_id = sent_notice_id(coord, "已读统计")
    vol1 = as_user("vol1")
    _, cursor = pull_all(vol1)
    [result] = push_results(vol1, [notice_read_entry(notice_id)])
    assert result["status"] == "accepted"
    assert counts_of(coord, notice_id)["read"] == 1
    [notice] = of_kind(pull_all(vol1, cursor)[0], "notice")
    assert notice["data"]["read"] is True
    assert "未读" not in vol1.get("/inbox").text.split('id="inbox-list"')[1].split("hidden>")[0]


def test_reading_again_on_another_phone_changes_nothing(as_user):
    coord = as_user("coord")
    send_notice(coord, "两部手机")
    notice_id = sent_notice_id(coord, "两部手机")
    vol1 = as_user("vol1")
    push_results(vol1, [notice_read_entry(notice_id)], device_id="phone-a")
    [again] = push_results(vol1, [notice_read_entry(notice_id)], device_id="phone-b")
    assert again["status"] == "accepted"
    assert counts_of(coord, notice_id)["read"] == 1


def test_a_notice_read_for_a_notice_sent_to_someone_else_is_refused(as_user):
    coord = as_user("coord")
    send_notice(coord, "不是你的")
    notice_id = sent_notice_id(coord, "不是你的")
    [result] = push_results(as_user("vol3"), [notice_read_entry(notice_id)])
    assert (result["status"], result["code"]) == ("rejected", "unknown_notice")


def test_mark_as_read_without_javascript_goes_through_the_ingest_path_once(as_user):
    from tests.support import csrf, form_fields

    coord = as_user("coord")
    send_notice(coord, "无脚本")
    notice_id = sent_notice_id(coord, "无脚本")
    vol2 = as_user("vol2")
    fields = form_fields(vol2.get(f"/inbox/{notice_id}").text)
    data = {**fields, "_csrf_token": csrf(vol2)}
    for _ in range(2):
        response = vol2.post(f"/inbox/{notice_id}/read", data=data, follow_redirects=False)
        assert response.status_code == 303
    assert counts_of(coord, notice_id)["read"] == 1
    assert 'id="read-form" hidden' in vol2.get(f"/inbox/{notice_id}").text


def test_volunteers_cannot_open_the_send_page(as_user):
    assert as_user("vol1").get("/notices").status_code == 404

"""The volunteer's newer views on a 390 px phone: nothing scrolls sideways, every tap target
is a thumb's height, tables have room, and bad input is named in words, offline too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.activity_helpers import an_activity
from tests.browser.phone import SAVED
from tests.browser.test_followups_offline import _urgent_visit
from tests.browser.test_offline_reading import logged_in
from tests.helpers import household_ids_of
from tests.notice_helpers import notice_to

pytestmark = pytest.mark.browser

TRAINING = {"kind": "first_aid_training", "area": "", "title": "应急救护培训（华家河村）"}
PHONE_RULE = "请输入11位手机号，或带区号的座机号码"

SMALL_TARGETS = """() => {
  const small = [];
  const tapped = 'main a, main button, main summary, main select, main input';
  for (const el of document.querySelectorAll(tapped)) {
    if (el.matches('[type=radio], [type=checkbox], [type=hidden]')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || el.closest('[hidden]')) continue;
    const name = `${el.tagName} "${el.textContent.trim()}" ${box.height}`;
    if (box.height < 44 || box.width < 44) small.push(name);
  }
  return small;
}"""


def _training(db) -> int:
    return db(an_activity, TRAINING, "vol1")  # the leader's own team's


def test_the_volunteer_s_views_fit_the_phone_and_take_a_thumb(phone, db):
    [household, *_] = db(household_ids_of, "vol1")
    db(_urgent_visit, household)  # a follow-up, and a record on 我的记录 to open
    training, notice = _training(db), db(notice_to, "vol1", "冬季防火安全提醒")
    phone.log_in("vol1")
    paths = [f"/activities/{training}/training", "/me", f"/households/{household}"]
    paths += [f"/households/{household}/visit", f"/households/{household}/edit"]
    for path in [*paths, f"/inbox/{notice}"]:
        phone.open(path)
        page = phone.page
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.evaluate(SMALL_TARGETS) == [], path


def test_the_training_totals_have_room_between_their_columns(phone, db):
    training = _training(db)
    phone.log_in("vol1")
    phone.open(f"/activities/{training}/training")
    cell = phone.page.locator("#training-totals td").first
    assert cell.evaluate("td => parseFloat(getComputedStyle(td).paddingLeft)") >= 4


def test_a_training_saved_without_a_category_asks_for_one_in_words(phone, context, db):
    training = _training(db)
    logged_in(phone, "vol1")
    context.set_offline(True)
    phone.open(f"/activities/{training}/training")
    phone.page.fill("#f-trainees-0-name", "刘春燕")
    phone.page.click("#training-form button[type=submit]")
    expect(phone.page.locator("#err-category")).to_have_text("请选择培训类别。")
    assert phone.waiting() == []


def test_a_trainee_phone_breaking_the_rule_is_refused_offline_and_keeps_what_was_queued(
    phone, context, db
):
    training = _training(db)
    logged_in(phone, "vol1")
    context.set_offline(True)
    page = phone.page
    phone.open(f"/activities/{training}/training")
    page.check("[name=category][value=first_aider]")
    page.fill("#f-trainees-0-name", "王小明")
    page.click("#training-form button[type=submit]")
    expect(page.locator("#status")).to_have_text(SAVED)
    page.check("[name=category][value=first_aider]")
    page.fill("#f-trainees-0-name", "刘春燕")
    page.fill("#f-trainees-0-phone", "12345")
    page.click("#training-form button[type=submit]")
    expect(page.locator("#err-trainees-0-phone")).to_contain_text(PHONE_RULE)
    expect(page.locator("#f-trainees-0-phone")).to_have_value("12345")
    [queued] = phone.waiting()
    assert queued["data"]["trainees"] == [{"name": "王小明"}]


def test_trainees_waiting_on_the_phone_show_on_my_record_in_words(phone, context, db):
    training = _training(db)
    logged_in(phone, "vol1")
    context.set_offline(True)
    page = phone.page
    phone.open(f"/activities/{training}/training")
    page.check("[name=category][value=trainer]")
    page.fill("#f-trainees-0-name", "陈老师")
    page.click("#training-form button[type=submit]")
    expect(page.locator("#status")).to_have_text(SAVED)
    assert phone.open("/me").from_service_worker
    pending = page.locator("#my-entries [data-pending]")
    expect(pending).to_contain_text(f"培训学员 · {TRAINING['title']}")
    expect(pending).not_to_contain_text("training_count")

"""One phone rule everywhere: a mobile (11 digits) or a landline with its area code, for a
household edit (form and phone), an account and a roster row, and on the page."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.admin_helpers import post_form, push_patch
from tests.helpers import household_ids_of
from tests.pull_helpers import household_row
from tests.support import csrf, form_fields

RULE = "请输入11位手机号，或带区号的座机号码，如0719-8123456。"


def _edit_phone(client, household: int, phone: str):
    fields = form_fields(client.get(f"/households/{household}/edit").text)
    fields.update({"_csrf_token": csrf(client), "phone": phone})
    return client.post(f"/households/{household}/edit", data=fields, follow_redirects=False)


def test_a_household_edit_refuses_a_seven_digit_number(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = db(household_row, household)["phone"]
    response = _edit_phone(vol1, household, "1337238")
    assert response.status_code != 303
    assert RULE in response.text
    assert db(household_row, household)["phone"] == before


def test_a_phones_household_patch_refuses_a_seven_digit_number(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    result = push_patch(vol1, household, 1, phone="1337238")
    assert (result["status"], result["code"]) == ("rejected", "bad_phone")
    assert result["error"] == RULE


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("138 0013 8000", "13800138000"), ("+86 13800138000", "13800138000"),
     ("(0719) 8123456", "07198123456"), ("0719-8123456", "0719-8123456")],
)  # fmt: skip
def test_a_household_edit_stores_a_good_number_written_plainly(vol1, db, typed, stored):
    [household, *_] = db(household_ids_of, "vol1")
    assert _edit_phone(vol1, household, typed).status_code == 303
    assert db(household_row, household)["phone"] == stored


def _new_account(coord, db, phone: str):
    from tests.admin_helpers import team_id

    return post_form(
        coord,
        "/admin/accounts",
        {"username": "vol9", "display_name": "赵新", "phone": phone,
         "team": db(team_id, "郧阳区志愿服务一队")},
    )  # fmt: skip


def test_an_account_refuses_a_five_digit_number(as_user, db):
    response = _new_account(as_user("coord"), db, "12345")
    assert response.status_code == 422
    assert RULE in response.text


def test_an_account_takes_a_landline_with_its_area_code(as_user, db):
    assert _new_account(as_user("coord"), db, "0719-8123456").status_code == 303


def test_the_roster_refuses_a_seven_digit_number(as_user):
    coord = as_user("coord")
    out = io.StringIO()
    csv.writer(out).writerows(
        [["户编号", "户主姓名", "村", "联系电话"], ["T100", "王一", "华家河村", "1380013"]]
    )
    response = coord.post(
        "/admin/roster",
        data={"_csrf_token": csrf(coord)},
        files={"file": ("roster.csv", out.getvalue().encode("utf-8-sig"))},
    )
    assert "1380013" in response.text
    assert 'data-row="2"' in response.text


@pytest.mark.parametrize("page", ["/households/{household}/edit", "/admin/accounts"])
def test_the_phone_field_carries_the_rule_for_the_browser(as_user, db, page):
    from server.phones import HTML_PATTERN

    [household, *_] = db(household_ids_of, "vol1")
    html = as_user("coord").get(page.format(household=household)).text
    [field] = re.findall(r'<input id="phone"[^>]*>', html)
    assert 'inputmode="tel"' in field
    assert f'pattern="{HTML_PATTERN}"' in field.replace("&#34;", '"')
    assert f'title="{RULE}"' in field


@pytest.mark.parametrize(
    ("phone", "good"),
    [("13800138000", True), ("138 0013 8000", True), ("+86 13800138000", True),
     ("0719-8123456", True), ("(0719)8123456", True), ("1337238", False), ("12345", False),
     ("1380013", False), ("23800138000", False)],
)  # fmt: skip
def test_the_pattern_the_browser_checks_agrees_with_the_server(phone, good):
    from server import phones

    browser = re.fullmatch(phones.HTML_PATTERN, phone) is not None
    assert browser == good == phones.valid(phones.normal(phone))

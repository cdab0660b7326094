"""志愿服务时长 exported with the fields of 《志愿服务记录与证明出具办法（试行）》, column names
from the setting, personal data only for whoever looks after the volunteer."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.admin_helpers import account_id, post_form
from tests.checkin_helpers import local, scanned, send, team_activity
from tests.export_helpers import csv_rows, exports_audited, only_sheet

PERIOD = "period=range&since=2026-12-01&until=2026-12-31"
ID_NUMBER = "42032119800501123X"
FANG_TEAM = "房县志愿服务队"


def _details(coord, vol2_id: int, **fields: str):
    form = {"sex": "female", "birth_date": "1980-05-01", "id_number": ID_NUMBER, **fields}
    return post_form(coord, f"/admin/accounts/{vol2_id}/details", form)


@pytest.fixture
def served(as_user, db):
    """vol2 served 09:10–11:00 (110 minutes) at a team activity on 2026-12-20, with sex,
    birth date and ID number recorded on the account page."""
    coord, vol2 = as_user("coord"), as_user("vol2")
    activity, key = team_activity(db, coord)
    send(
        vol2,
        scanned("check_in", activity, key, local("2026-12-20T09:10")),
        scanned("check_out", activity, key, local("2026-12-20T11:00")),
    )
    assert _details(coord, db(account_id, "vol2")).status_code == 303
    return activity


def _mine(rows: list) -> tuple:
    [row] = [r for r in rows[1:] if r[0] == "李红梅"]
    return row


def test_a_service_record_carries_the_fields_the_rules_ask_for(as_user, served):
    rows = only_sheet(as_user("coord").get(f"/reports/hours.xlsx?{PERIOD}"))
    assert rows[0][:4] == ("志愿者姓名", "性别", "出生日期", "身份证号")
    row = _mine(rows)
    assert (row[1], row[2].date(), row[3]) == ("女", dt.date(1980, 5, 1), ID_NUMBER)
    assert row[6:8] == ("志愿服务", "重阳节敬老服务")
    assert (row[8].year, row[8].month, row[8].day) == (2026, 12, 20)
    assert row[9:11] == ("华家河村村委会", "为老人测血压、理发")
    assert row[11] == pytest.approx(110 / 60) and row[12] == 0
    assert row[13:] == ("郧阳区红十字会", "张志愿")
    assert rows[-1][0] == "合计" and rows[-1][11] == pytest.approx(sum(r[11] for r in rows[1:-1]))


def test_the_hours_csv_round_trips(as_user, served):
    coord = as_user("coord")
    book = only_sheet(coord.get(f"/reports/hours.xlsx?{PERIOD}"))
    [header, *rows] = csv_rows(coord.get(f"/reports/hours.csv?{PERIOD}"))
    assert header == list(book[0])
    [mine] = [r for r in rows if r[0] == "李红梅"]
    assert mine[2:4] == ["1980-05-01", ID_NUMBER] and mine[11] == "1.83"
    assert len(rows) == len(book) - 2  # the workbook adds a total row


def test_the_column_names_follow_the_setting(app_as, served):
    names = (("volunteer_name", "姓名"), ("hours", "服务时长"), ("id_number", "证件号码"))
    client = app_as("coord", service_hours_columns=names)
    [header, *_] = csv_rows(client.get(f"/reports/hours.csv?{PERIOD}"))
    assert (header[0], header[3], header[11], header[1]) == ("姓名", "证件号码", "服务时长", "性别")


def test_the_setting_is_read_as_json_or_from_a_file(tmp_path):
    from server.settings import Settings

    given = {"volunteer_name": "姓名", "hours": "服务时长（小时）"}
    path = tmp_path / "columns.json"
    path.write_text(json.dumps(given, ensure_ascii=False), encoding="utf-8")
    for value in (json.dumps(given), str(path)):
        settings = Settings.from_env({"SERVICE_HOURS_COLUMNS": value})
        assert dict(settings.service_hours_columns) == given
    with pytest.raises(ValueError, match="SERVICE_HOURS_COLUMNS"):
        Settings.from_env({"SERVICE_HOURS_COLUMNS": '["姓名"]'})


async def _set_phone(username: str, phone: str) -> None:
    from server.accounts.tables import Account

    await Account.update({Account.phone: phone}).where(Account.username == username)


async def _move_to_team(username: str, team: str) -> None:
    from server.accounts.tables import Account
    from tests.admin_helpers import team_id

    await Account.update({Account.team: await team_id(team)}).where(Account.username == username)


def test_personal_data_only_for_whoever_looks_after_the_volunteer(as_user, db, served):
    """vol2 served at a 郧阳区 activity, then moved to a 房县 team: coord still sees the
    activity but no longer looks after vol2, so the ID number comes masked and no phone."""
    coord = as_user("coord")
    db(_set_phone, "vol2", "13800001234")
    mine = _mine(only_sheet(coord.get(f"/reports/hours.xlsx?{PERIOD}")))
    assert (mine[3], mine[5]) == (ID_NUMBER, "13800001234")
    db(_move_to_team, "vol2", FANG_TEAM)
    moved = _mine(only_sheet(coord.get(f"/reports/hours.xlsx?{PERIOD}")))
    assert moved[3] == "4203**********123X" and moved[5] is None
    assert moved[11] == mine[11]


def test_a_coordinator_of_another_area_exports_none_of_these_hours(as_user, db, served):
    from tests.review_helpers import small_village

    db(small_village)  # makes coord_fx (房县)
    rows = only_sheet(as_user("coord_fx").get(f"/reports/hours.xlsx?{PERIOD}"))
    assert [r for r in rows[1:] if r[0] == "李红梅"] == []


def test_the_hours_export_is_audited(as_user, db, served):
    as_user("coord").get(f"/reports/hours.csv?{PERIOD}")
    [audited] = db(exports_audited, "hours")
    assert (audited["who"], audited["format"], audited["period"]) == ("coord", "csv", "range")


def test_the_account_page_shows_the_id_number_masked(as_user, db, served):
    page = as_user("coord").get(f"/admin/accounts/{db(account_id, 'vol2')}").text
    assert "4203**********123X" in page and ID_NUMBER not in page
    assert 'value="1980-05-01"' in page


def test_an_id_number_that_is_not_one_is_refused(as_user, db):
    response = _details(as_user("coord"), db(account_id, "vol2"), id_number="12345")
    assert response.status_code == 422
    assert "身份证号为18位" in response.text


def test_a_volunteer_may_not_export_hours(as_user):
    assert as_user("vol2").get(f"/reports/hours.csv?{PERIOD}").status_code == 403

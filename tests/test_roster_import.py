"""Roster import: a preview that lists every bad row and writes nothing, then an import that
goes through the versioned path (same file: nothing changes; edited file: updates; a field
correction meanwhile: flagged, not overwritten)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.admin_helpers import account_id, post_form, push_patch

HEADER = ["户编号", "户主姓名", "村", "地址", "家庭成员", "联系电话", "户类型", "备注"]
GOOD = [
    [
        "T001",
        "王一",
        "华家河村",
        "华家河村1组1号",
        "王一/户主/1960；李二/配偶/1962",
        "13800000001",
        "脱贫户",
        "",
    ],
    ["T002", "王二", "大柳乡/大柳村", "", "王二/户主/1970", "", "监测户", "独居"],
    ["T003", "王三", "茶店村", "", "", "0719-8123456", "", ""],
]
BAD = [
    ["T004", "王四", "不存在村", "", "", "", "", ""],  # unknown village
    ["T005", "", "华家河村", "", "", "", "", ""],  # missing head
    ["T006", "王六", "华家河村", "", "", "12345", "", ""],  # bad phone
    ["T007", "王七", "华家河村", "", "", "", "", ""],  # duplicate code...
    ["T007", "王七七", "大柳村", "", "", "", "", ""],  # ...in the file
    ["T008", "王八", "西关村", "", "", "", "", ""],  # a village outside 郧阳区
]
BAD_LINES = {5, 6, 7, 8, 9, 10}


def xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8-sig")


def upload(client, data: bytes, name: str = "roster.xlsx"):
    from tests.support import csrf

    return client.post(
        "/admin/roster",
        data={"_csrf_token": csrf(client)},
        files={"file": (name, data)},
        follow_redirects=False,
    )


def preview(client, data: bytes, name: str = "roster.xlsx") -> tuple[int, str]:
    response = upload(client, data, name)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    return int(location.rsplit("/", 1)[1]), client.get(location).text


def import_file(client, data: bytes, name: str = "roster.xlsx") -> dict[str, int]:
    upload_id, _ = preview(client, data, name)
    response = post_form(client, f"/admin/roster/{upload_id}/import")
    assert response.status_code == 303, response.text
    page = client.get(f"/admin/roster/{upload_id}").text
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', page)}


async def household(code: str) -> dict | None:
    from server.households.tables import Household, Member

    row = await Household.select().where(Household.code == code).first()
    if row is not None:
        members = await Member.select().where(
            (Member.household == row["id"]) & (Member.removed == False)  # noqa: E712
        )
        row["members"] = sorted((m["name"], m["relation"], m["birth_year"]) for m in members)
    return row


async def codes() -> set[str]:
    from server.households.tables import Household

    return {r["code"] for r in await Household.select(Household.code)}


@pytest.fixture
def coord(as_user):
    return as_user("coord")


def test_the_preview_lists_exactly_the_bad_rows(coord):
    _, page = preview(coord, xlsx(GOOD + BAD))
    assert {int(n) for n in re.findall(r'<tr data-row="(\d+)"', page)} == BAD_LINES


def test_the_preview_says_what_is_wrong_with_each_row(coord):
    _, page = preview(coord, xlsx(GOOD + BAD))
    for text in ("不存在村", "户主", "12345", "T007", "西关村"):
        assert text in page


def test_the_preview_writes_no_household(coord, db):
    before = db(codes)
    preview(coord, xlsx(GOOD + BAD))
    assert db(codes) == before


def test_importing_creates_the_good_rows_only(coord, db):
    counts = import_file(coord, xlsx(GOOD + BAD))
    assert counts["created"] == 3
    assert {"T001", "T002", "T003"} <= db(codes)
    assert not {"T004", "T005", "T006", "T007", "T008"} & db(codes)


def test_members_are_read_from_the_members_cell(coord, db):
    import_file(coord, xlsx(GOOD))
    assert db(household, "T001")["members"] == [("李二", "配偶", 1962), ("王一", "户主", 1960)]


def test_a_csv_file_imports_like_an_xlsx_file(coord, db):
    counts = import_file(coord, csv_bytes(GOOD), "roster.csv")
    assert counts["created"] == 3
    assert db(household, "T003")["phone"] == "0719-8123456"


def test_a_csv_file_saved_by_chinese_excel_is_read(coord, db):
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *GOOD])
    import_file(coord, out.getvalue().encode("gb18030"), "roster.csv")
    assert db(household, "T002")["head_name"] == "王二"


def test_importing_the_same_file_again_changes_nothing(coord, db):
    import_file(coord, xlsx(GOOD))
    before = [db(household, c) for c in ("T001", "T002", "T003")]
    counts = import_file(coord, xlsx(GOOD))
    assert counts == {"created": 0, "updated": 0, "unchanged": 3, "flagged": 0}
    assert [db(household, c) for c in ("T001", "T002", "T003")] == before


def test_the_preview_counts_new_changed_and_unchanged_households(coord, db):
    import_file(coord, xlsx(GOOD[:2]))
    edited = [list(r) for r in GOOD]
    edited[0][5] = "13900000002"
    _, page = preview(coord, xlsx(edited))
    counts = dict(re.findall(r'data-preview="(\w+)">([^<]*)<', page))
    assert counts == {"new": "1", "update": "1", "unchanged": "1"}


def test_an_edited_file_updates_the_household(coord, db):
    import_file(coord, xlsx(GOOD))
    edited = [list(r) for r in GOOD]
    edited[0][5] = "13900000002"
    edited[0][4] = "王一/户主/1960；李二/配偶/1962；王小一/子女/2010"
    counts = import_file(coord, xlsx(edited))
    row = db(household, "T001")
    assert counts["updated"] == 1 and counts["unchanged"] == 2
    assert row["phone"] == "13900000002"
    assert ("王小一", "子女", 2010) in row["members"]
    assert row["version"] == 2


def test_a_member_left_out_of_the_file_is_taken_off_the_household(coord, db):
    import_file(coord, xlsx(GOOD))
    edited = [list(r) for r in GOOD]
    edited[0][4] = "王一/户主/1960"
    import_file(coord, xlsx(edited))
    assert db(household, "T001")["members"] == [("王一", "户主", 1960)]


def _paired_with_vol1(coord, db, code: str) -> None:
    household_id = db(household, code)["id"]
    response = post_form(
        coord,
        "/admin/pairing/pair",
        {"household": household_id, "volunteer": db(account_id, "vol1")},
    )
    assert response.status_code == 303


def test_a_field_correction_is_flagged_not_overwritten_by_an_import(coord, vol1, db):
    import_file(coord, xlsx(GOOD))
    _paired_with_vol1(coord, db, "T001")
    household_id = db(household, "T001")["id"]
    result = push_patch(vol1, household_id, 1, phone="13911112222")
    assert result["status"] == "accepted"
    edited = [list(r) for r in GOOD]
    edited[0][5] = "13700000007"
    counts = import_file(coord, xlsx(edited))
    assert counts["flagged"] == 1
    assert db(household, "T001")["phone"] == "13911112222"


def test_an_import_flag_keeps_both_values_for_the_coordinator(coord, vol1, db):
    from server.conflicts.tables import HouseholdFlag

    import_file(coord, xlsx(GOOD))
    _paired_with_vol1(coord, db, "T001")
    household_id = db(household, "T001")["id"]
    push_patch(vol1, household_id, 1, phone="13911112222")
    edited = [list(r) for r in GOOD]
    edited[0][5] = "13700000007"
    import_file(coord, xlsx(edited))

    async def flags():
        return await HouseholdFlag.select().where(HouseholdFlag.household == household_id)

    [flag] = db(flags)
    assert flag["severity"] == "hard" and flag["source"] == "import"
    assert "13911112222" in flag["values"] and "13700000007" in flag["values"]


def test_an_unchanged_row_leaves_a_field_correction_alone(coord, vol1, db):
    import_file(coord, xlsx(GOOD))
    _paired_with_vol1(coord, db, "T001")
    household_id = db(household, "T001")["id"]
    push_patch(vol1, household_id, 1, address="华家河村2组8号")
    counts = import_file(coord, xlsx(GOOD))
    assert counts["unchanged"] == 3 and counts["flagged"] == 0
    assert db(household, "T001")["address"] == "华家河村2组8号"


def test_a_file_without_the_required_columns_is_refused(coord):
    out = io.StringIO()
    csv.writer(out).writerows([["姓名", "电话"], ["王一", "13800000001"]])
    response = upload(coord, out.getvalue().encode(), "roster.csv")
    assert response.status_code == 422
    assert "户编号" in response.text


def test_another_coordinators_upload_is_404(coord, as_user, db):
    from server.accounts import service as accounts
    from tests.support import DEMO_PASSWORD

    upload_id, _ = preview(coord, xlsx(GOOD))
    db(
        lambda: accounts.create_account(
            "coord2", DEMO_PASSWORD, display_name="二", role="coordinator"
        )
    )
    other = as_user("coord2")
    assert other.get(f"/admin/roster/{upload_id}").status_code == 404
    assert post_form(other, f"/admin/roster/{upload_id}/import").status_code == 404


def test_the_template_files_have_the_columns(coord):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(coord.get("/admin/roster/template.xlsx").content))
    assert [c.value for c in book.worksheets[0][1]] == HEADER
    text = coord.get("/admin/roster/template.csv").content.decode("utf-8-sig")
    assert text.strip().split(",") == HEADER


def test_a_household_outside_the_coordinators_areas_is_not_touched(coord, db):
    fang = db(lambda: _code_of("vol3"))
    rows = [[fang, "冒名", "华家河村", "", "", "", "", ""]]
    _, page = preview(coord, xlsx(rows))
    assert re.findall(r'<tr data-row="(\d+)"', page) == ["2"]


async def _code_of(username: str) -> str:
    from server.households.tables import Household
    from tests.helpers import household_ids_of

    [first, *_] = await household_ids_of(username)
    return (await Household.select(Household.code).where(Household.id == first).first())["code"]

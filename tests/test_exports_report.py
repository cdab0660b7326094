"""报表: the programme workbook for a period and an area, one sheet per programme, counting
only the latest entry of a correction chain and nothing of a voided one."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import correction_entry, push_results
from tests.catalogue_helpers import item_ids, medicine_entry, member_ids, purchase_entry
from tests.export_helpers import exports_audited, sheets
from tests.helpers import household_ids_of
from tests.review_helpers import NOW, small_village, visit

PERIOD = "period=range&since=2026-11-01&until=2026-12-31"
SHEETS = [
    "走访",
    "送医送药",
    "博爱送万家",
    "消费扶贫",
    "应急救护培训",
    "无偿献血志愿服务",
    "志愿服务时长",
]


async def _flag_entry(entry_id: str) -> None:
    import uuid

    from server.entries.tables import Entry

    await Entry.update({Entry.flag: "pairing_ended"}).where(Entry.id == uuid.UUID(entry_id))


@pytest.fixture
def place(as_user, db):
    """试点村 with four visits by vol2 (one corrected, one voided, one flagged) and two
    purchases (¥12.50 and ¥3.99); the query of the report for it."""
    made = db(small_village)
    vol2 = as_user("vol2")
    h = made["households"]
    kept, corrected, voided, flagged = (visit(vol2, h[n], 2 + n) for n in range(4))
    fixed = {**corrected["data"], "follow_up": True, "follow_up_note": "再去一次"}
    later = NOW.isoformat()
    fixes = [
        correction_entry(corrected["id"], fixed, "漏记了", later),
        correction_entry(voided["id"], None, "走错了户", later),
    ]
    assert {r["status"] for r in push_results(vol2, fixes)} == {"accepted"}
    db(_flag_entry, flagged["id"])
    tea = db(item_ids, "products")["绿茶"]
    push_results(vol2, [purchase_entry(h[0], tea), purchase_entry(h[1], tea, amount_fen=399)])
    return {**made, "query": f"{PERIOD}&place={made['village']}", "kept": kept}


def test_the_report_has_one_sheet_per_programme(as_user, place):
    book = sheets(as_user("coord").get(f"/reports/report.xlsx?{place['query']}"))
    assert list(book) == SHEETS


def test_visits_list_the_latest_of_each_chain_and_no_voided_one(as_user, place):
    rows = sheets(as_user("coord").get(f"/reports/report.xlsx?{place['query']}"))["走访"]
    header, *listed, total = rows
    assert header[0] == "走访时间" and header[-1] == "走访次数（户次）"
    assert sorted(r[2] for r in listed) == ["试点户0", "试点户1", "试点户3"]
    corrected = next(r for r in listed if r[2] == "试点户1")
    assert corrected[7] == "是"  # the correction's follow-up, not the first values
    assert [r[8] for r in listed if r[2] == "试点户3"] == ["结对已结束"]
    assert total[0] == "合计" and total[-1] == 3
    assert isinstance(listed[0][0], dt.datetime)


def test_purchases_are_yuan_numbers_with_a_total(as_user, place):
    response = as_user("coord").get(f"/reports/report.xlsx?{place['query']}")
    header, *listed, total = sheets(response)["消费扶贫"]
    assert header[7] == "金额（元）"
    assert sorted(r[7] for r in listed) == [3.99, 12.5]
    assert total[7] == pytest.approx(16.49)


def test_medicine_deliveries_list_their_items(as_user, db):
    vol1 = as_user("vol1")
    [household, *_] = db(household_ids_of, "vol1")
    medicine = next(iter(db(item_ids, "medicine").items()))
    [member, *_] = db(member_ids, household)
    push_results(vol1, [medicine_entry(household, member, medicine[1])])
    rows = sheets(as_user("coord").get(f"/reports/report.xlsx?{PERIOD}"))["送医送药"]
    [mine] = [r for r in rows[1:-1] if r[5] and medicine[0] in r[5]]
    assert mine[1] == "入户送药" and mine[6] == 2
    assert rows[-1][6] == sum(r[6] or 0 for r in rows[1:-1])


def test_a_coordinator_s_report_holds_nothing_of_another_area(as_user, place):
    book = sheets(as_user("coord_fx").get(f"/reports/report.xlsx?{PERIOD}"))
    names = {cell for rows in book.values() for row in rows for cell in row}
    assert not {"试点村", "试点户0", "试点户1"} & names


def test_the_report_export_is_audited_with_its_period(as_user, db, place):
    as_user("coord").get(f"/reports/report.xlsx?{place['query']}")
    [audited] = db(exports_audited, "report")
    assert audited["who"] == "coord" and audited["format"] == "xlsx"
    assert (audited["first"], audited["last"]) == ("2026-11-01", "2026-12-31")
    assert audited["place"] == str(place["village"])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=someday", "请选择时段"),
        ("period=range&since=2026-12-31&until=2026-12-01", "结束日期早于开始日期"),
        ("period=range&since=2026-13-01&until=2026-12-01", "请填写日期范围的起止日期"),
        ("period=range&since=1990-01-01&until=2026-12-01", "日期范围最长十年"),
    ],
)
def test_a_period_that_cannot_be_read_is_refused_in_chinese(as_user, db, query, message):
    response = as_user("coord").get(f"/reports/report.xlsx?{query}")
    assert response.status_code == 400
    assert message in response.text and 'id="report-form"' in response.text
    assert db(exports_audited, "report") == []


def test_this_month_and_last_month_are_local_months(as_user):
    coord = as_user("coord")
    assert coord.get("/reports/report.xlsx?period=this_month").status_code == 200
    assert coord.get("/reports/report.xlsx?period=last_month").status_code == 200


def test_the_reports_page_is_linked_from_manage(as_user):
    coord = as_user("coord")
    assert 'href="/reports"' in coord.get("/admin").text
    assert 'id="report-form"' in coord.get("/reports").text


@pytest.mark.parametrize("path", ["/reports", "/reports/report.xlsx?period=this_month"])
def test_a_volunteer_may_not_have_a_report(as_user, path):
    assert as_user("vol2").get(path).status_code == 403


def _training_count(activity: int, category: str, trainees: list, headcount: int = 0) -> dict:
    import uuid

    data = {"activity_id": str(activity), "category": category, "trainees": trainees}
    if headcount:
        data["headcount"] = headcount
    return {
        "id": str(uuid.uuid4()),
        "kind": "training_count",
        "schema": 1,
        "recorded_at": "2026-12-20T12:00:00+08:00",
        "data": data,
    }


def test_first_aid_training_lists_people_and_person_times_per_category(as_user, db):
    from tests.checkin_helpers import send, team_activity

    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training", title="救护员培训班")
    passed = {"name": "刘春燕", "phone": "13907191234", "certificate": "passed",
              "certificate_number": "HB2026-0117", "certificate_date": "2026-12-20"}  # fmt: skip
    sent = [
        _training_count(activity, "first_aider", [passed, {"name": "王德山"}]),
        _training_count(activity, "public", [], headcount=120),
    ]
    assert {r["status"] for r in send(as_user("vol1"), *sent)} == {"accepted"}
    rows = sheets(coord.get(f"/reports/report.xlsx?{PERIOD}"))["应急救护培训"]
    mine = {r[3]: r[4:] for r in rows[1:-1] if r[1] == "救护员培训班"}
    assert mine == {"救护员（持证）": (2, 2, 1), "普及培训": (120, 120, 0)}


def test_blood_donation_lists_each_volunteer_s_time(as_user, db):
    from tests.checkin_helpers import local, scanned, send, team_activity

    coord = as_user("coord")
    activity, key = team_activity(db, coord, kind="blood_donation", title="街头献血服务")
    send(
        as_user("vol2"),
        scanned("check_in", activity, key, local("2026-12-20T09:00")),
        scanned("check_out", activity, key, local("2026-12-20T10:30")),
    )
    book = sheets(coord.get(f"/reports/report.xlsx?{PERIOD}"))
    [mine] = [r for r in book["无偿献血志愿服务"][1:-1] if r[7] == "街头献血服务"]
    assert (mine[0], mine[11]) == ("李红梅", 1.5)
    assert [r for r in book["志愿服务时长"][1:-1] if r[7] == "街头献血服务"] == [mine]

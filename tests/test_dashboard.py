"""数据看板 (/dashboard) over HTTP: who may read it, the period asked for, the links behind
each number, the charts' text alternative."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.review_helpers import NOW, small_village, visit


@pytest.fixture
def place(as_user, db):
    """试点村 (大柳乡, coord's) with two visits by vol2 this month (one urgent)."""
    made = db(small_village)
    vol2 = as_user("vol2")
    visit(vol2, made["households"][0], 0.1, health="urgent")
    visit(vol2, made["households"][1], 0.1)
    return made


def _cell(page: str, row: int, key: str) -> tuple[str, str]:
    """The number in a row's cell and the address it links to."""
    found = re.search(
        rf'<tr data-row="{row}">.*?<td data-cell="{key}"><a href="([^"]+)">([^<]+)</a>', page, re.S
    )
    assert found, (row, key)
    return found.group(2), html.unescape(found.group(1))


def _query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return {"path": parts.path, **{k: v[0] for k, v in parse_qs(parts.query).items()}}


def _township(db) -> int:
    from server.areas.tables import Area

    async def find() -> int:
        return (await Area.select(Area.id).where(Area.name == "大柳乡").first())["id"]

    return db(find)


def test_a_volunteer_is_refused(as_user):
    assert as_user("vol2").get("/dashboard").status_code == 403


def test_the_manage_page_links_to_it(as_user):
    assert 'href="/dashboard"' in as_user("coord").get("/admin").text


def test_each_village_row_counts_and_links_to_its_visits(as_user, db, place):
    township = _township(db)
    page = as_user("coord").get(f"/dashboard?place={township}").text
    number, url = _cell(page, place["village"], "visits")
    assert number == "2"
    today = NOW.date().isoformat()
    assert _query(url) == {
        "path": "/review",
        "kind": "visit",
        "area": str(place["village"]),
        "from": NOW.date().replace(day=1).isoformat(),
        "to": today,
        "counted": "1",
    }
    assert _cell(page, place["village"], "urgent")[0] == "1"


def test_the_linked_list_holds_the_entries_counted(as_user, db, place):
    coord = as_user("coord")
    page = coord.get(f"/dashboard?place={_township(db)}").text
    _, url = _cell(page, place["village"], "visits")
    listed = coord.get(url).text
    assert len(re.findall(r'data-kind="visit"', listed)) == 2


def test_a_voided_visit_is_neither_counted_nor_in_the_linked_list(as_user, db, place):
    from tests.builders import correction_entry, push_results

    vol2 = as_user("vol2")
    wrong = visit(vol2, place["households"][2], 0.1)
    void = correction_entry(wrong["id"], None, "走错了户", NOW.isoformat())
    assert push_results(vol2, [void])[0]["status"] == "accepted"
    coord = as_user("coord")
    number, url = _cell(
        coord.get(f"/dashboard?place={_township(db)}").text, place["village"], "visits"
    )
    listed = re.findall(r'data-entry="([0-9a-f-]{36})"', coord.get(url).text)
    assert number == "2" and len(listed) == 2 and wrong["id"] not in listed


def _followups_listed(client, url: str) -> int:
    return len(re.findall(r'data-followup="\d+"', client.get(url).text))


def test_the_follow_up_counts_link_to_the_items_reported_in_the_period(as_user, db, place):
    visit(as_user("vol2"), place["households"][3], 45, health="urgent")  # before this month
    coord = as_user("coord")
    page = coord.get(f"/dashboard?place={_township(db)}").text
    number, url = _cell(page, place["village"], "follow_ups_open")
    assert number == "1" and _followups_listed(coord, url) == 1
    assert _query(url)["from"] == NOW.date().replace(day=1).isoformat()
    assert _followups_listed(coord, f"/followups?place={place['village']}") == 2


def test_a_team_rows_follow_up_count_links_to_its_members_items(as_user, db, place):
    from tests.admin_helpers import team_id

    team = db(team_id, "郧阳区志愿服务一队")
    coord = as_user("coord")
    page = coord.get(f"/dashboard?by=team&place={_township(db)}").text
    number, url = _cell(page, team, "follow_ups_open")
    assert _query(url)["team"] == str(team)
    assert _followups_listed(coord, url) == int(number) == 1
    other = db(team_id, "房县志愿服务队")
    assert _followups_listed(coord, url.replace(f"team={team}", f"team={other}")) == 0


def _households_listed(client, url: str) -> list[int]:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return [int(i) for i in re.findall(r'data-household="(\d+)"', page.text)]


def test_a_count_of_households_links_to_the_households_it_counts(as_user, db, place):
    [h0, h1, *_] = place["households"]
    visit(as_user("vol2"), h0, 0.05)
    coord = as_user("coord")
    page = coord.get(f"/dashboard?place={_township(db)}").text
    assert _cell(page, place["village"], "visits")[0] == "3"
    number, url = _cell(page, place["village"], "households_visited")
    assert number == "2" and _households_listed(coord, url) == sorted([h0, h1])
    assert "共 2 户" in coord.get(url).text
    number, url = _cell(page, place["village"], "urgent")
    assert number == "1" and _households_listed(coord, url) == [h0]
    assert _households_listed(as_user("coord_fx"), url) == []


def test_households_sold_to_us_are_listed_once_each(as_user, db, place):
    from tests.builders import push_results
    from tests.catalogue_helpers import item_ids, purchase_entry

    [h0, *_] = place["households"]
    tea = db(item_ids, "products")["绿茶"]
    bought = [purchase_entry(h0, tea), purchase_entry(h0, tea, amount_fen=399)]
    for entry in bought:
        entry["data"]["bought_at"] = entry["recorded_at"] = NOW.isoformat()
    assert {r["status"] for r in push_results(as_user("vol2"), bought)} == {"accepted"}
    coord = as_user("coord")
    page = coord.get(f"/dashboard?place={_township(db)}").text
    assert _cell(page, place["village"], "purchases")[0] == "2"
    number, url = _cell(page, place["village"], "purchase_households")
    assert number == "1" and _households_listed(coord, url) == [h0]


def test_a_households_list_with_a_bad_period_says_why_in_chinese(as_user):
    response = as_user("coord").get("/dashboard/households?cell=urgent&from=2026-13-01&to=")
    assert response.status_code == 400
    error = re.search(r'id="period-error" role="alert" data-code="(\w+)">([^<]+)<', response.text)
    assert error and error.group(1) == "bad_date"
    assert re.search(r"[\u4e00-\u9fff]", error.group(2))
    assert as_user("vol2").get("/dashboard/households?cell=urgent").status_code == 403


def test_activities_held_link_to_the_activities_counted(as_user, db, place):
    import datetime as dt

    from tests.activity_helpers import create_activity
    from tests.admin_helpers import post_form

    coord = as_user("coord")

    def made(start: dt.datetime) -> int:
        times = {"starts_at": start.strftime("%Y-%m-%dT%H:%M")}
        times["ends_at"] = (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        return create_activity(coord, area=str(place["village"]), **times)

    held = made(NOW - dt.timedelta(minutes=30))
    cancelled = made(NOW - dt.timedelta(minutes=20))
    assert post_form(coord, f"/activities/{cancelled}/cancel", {}).status_code == 303
    made(NOW + dt.timedelta(days=40))  # not yet
    made(NOW - dt.timedelta(days=40))  # before the period
    page = coord.get(f"/dashboard?place={_township(db)}").text
    number, url = _cell(page, place["village"], "activities_held")
    listed = re.findall(r'data-activity="(\d+)"', coord.get(url).text)
    assert number == "1" and listed == [str(held)]
    assert len(re.findall(r'data-activity="(\d+)"', coord.get("/activities").text)) >= 4


def _total(page: str, key: str) -> tuple[str, str]:
    found = re.search(rf'data-total="{key}" href="([^"]+)">([^<]+)</a>', page)
    assert found, key
    return found.group(2), html.unescape(found.group(1))


def test_attendance_counts_link_to_the_person_times_they_count(as_user, db, place):
    from tests.checkin_helpers import local, mark, scanned, send, team_activity

    coord, vol1, vol2 = as_user("coord"), as_user("vol1"), as_user("vol2")
    activity, key = team_activity(db, coord)  # 2026-12-20 09:00–11:30
    send(
        vol2,
        scanned("check_in", activity, key, local("2026-12-20T08:50")),
        scanned("check_in", activity, key, local("2026-12-20T09:10")),  # counts once
        scanned("check_out", activity, key, local("2026-12-20T11:00")),
    )
    send(vol1, mark("check_in", activity, local("2026-12-20T09:30"), code="000000"))
    page = coord.get("/dashboard?period=range&since=2026-12-01&until=2026-12-31").text
    number, url = _total(page, "attendance_times")
    listed = coord.get(url).text
    assert number == "2" and len(re.findall(r'data-attendance="', listed)) == 2
    assert re.search(r'data-total="people">2<', listed)
    hours, hours_url = _total(page, "hours_verified")
    assert hours_url == url
    assert re.search(rf'data-total="verified">{re.escape(hours)}<', listed)
    assert 'data-attendance="' not in as_user("coord_fx").get(url).text


def test_trainee_counts_link_to_the_trainees_they_count(as_user, db, place, vol1):
    import uuid

    from tests.checkin_helpers import send, team_activity

    coord = as_user("coord")
    activity, _ = team_activity(db, coord, kind="first_aid_training")
    listed = [
        ("first_aider", [{"name": "刘春燕", "phone": "13907191234", "certificate": "passed"}], 0),
        ("first_aider", [{"name": "刘春燕", "phone": "13907191234", "certificate": "failed"}], 0),
        ("public", [{"name": "张三"}], 120),
    ]
    for category, trainees, crowd in listed:
        data = {"activity_id": str(activity), "category": category, "trainees": trainees}
        if crowd:
            data["headcount"] = crowd
        entry = {"id": str(uuid.uuid4()), "kind": "training_count", "schema": 1,
                 "recorded_at": "2026-12-20T12:00:00+08:00", "data": data}  # fmt: skip
        send(vol1, entry)
    page = coord.get("/dashboard?period=range&since=2026-12-01&until=2026-12-31").text
    number, url = _total(page, "first_aider_times")
    shown = coord.get(url).text
    assert number == "2" and len(re.findall(r'data-trainee="', shown)) == 2
    assert re.search(r'data-total="people">1<', shown) and "合格" in shown
    assert _total(page, "first_aider_people")[1] == url
    number, url = _total(page, "public_times")
    shown = coord.get(url).text
    assert number == "121" and len(re.findall(r'data-trainee="', shown)) == 1
    assert re.search(r'data-total="times">121<', shown) and "120" in shown
    assert 'data-trainee="' not in as_user("coord_fx").get(url).text


def test_volunteer_counts_link_to_the_volunteers_they_count(as_user, db, place):
    from tests.admin_helpers import account_id
    from tests.checkin_helpers import local, scanned, send, team_activity

    coord, vol2 = as_user("coord"), as_user("vol2")
    day = {"starts_at": "2026-12-19T00:00", "ends_at": "2026-12-19T21:00"}
    activity, key = team_activity(db, coord, **day)
    send(
        vol2,
        scanned("check_in", activity, key, local("2026-12-19T00:00")),
        scanned("check_out", activity, key, local("2026-12-19T20:30")),
    )
    page = coord.get("/dashboard?period=range&since=2026-12-01&until=2026-12-31").text
    number, url = _total(page, "volunteers")
    listed = re.findall(r'data-volunteer="(\d+)"', coord.get(url).text)
    assert int(number) == len(listed) >= 2
    assert str(db(account_id, "coord")) not in listed
    number, url = _total(page, "volunteers_20h")
    over = coord.get(url).text
    assert number == "1" and re.findall(r'data-volunteer="(\d+)"', over) == [str(place["vol2"])]
    assert "20.5" in over
    assert 'data-volunteer="' not in as_user("coord_fx").get(url).text


def test_medicines_delivered_link_to_each_medicine_of_each_delivery(as_user, db, place):
    from tests.builders import push_results
    from tests.catalogue_helpers import item_ids, medicine_entry, member_ids
    from tests.helpers import household_ids_of

    vol1 = as_user("vol1")
    [household, *_] = db(household_ids_of, "vol1")
    [member, *_] = db(member_ids, household)
    [first, second, *_] = db(item_ids, "medicine").values()
    two = medicine_entry(household, member, first)
    two["data"]["items"].append({**two["data"]["items"][0], "item_id": second})
    one = medicine_entry(household, member, first)
    assert {r["status"] for r in push_results(vol1, [two, one])} == {"accepted"}
    coord = as_user("coord")
    page = coord.get("/dashboard?period=range&since=2026-11-01&until=2026-11-30").text
    assert _total(page, "medicine_deliveries")[0] == "2"
    number, url = _total(page, "medicine_items")
    assert number == "3" and len(re.findall(r'data-line="', coord.get(url).text)) == 3
    assert 'data-line="' not in as_user("coord_fx").get(url).text


def test_supplies_per_item_link_to_their_handouts(as_user, db, place):
    from tests.builders import push_results
    from tests.catalogue_helpers import item_ids, supply_entry
    from tests.helpers import household_ids_of

    vol1 = as_user("vol1")
    [household, *_] = db(household_ids_of, "vol1")
    books = db(item_ids, "supplies")["写字本"]
    school = {"place": "华家河村小学", "people": 32, "description": "留守儿童"}
    sent = [supply_entry(household, books), supply_entry(None, books, group=school)]
    assert {r["status"] for r in push_results(vol1, sent)} == {"accepted"}
    coord = as_user("coord")
    page = coord.get("/dashboard?period=range&since=2026-11-01&until=2026-11-30").text
    row = re.search(r'<tr data-supply="写字本[^"]*\|pairing">(.*?)</tr>', page, re.S).group(1)
    link = re.search(r'data-handouts><a href="([^"]+)">(\d+)<', row)
    shown = coord.get(html.unescape(link.group(1))).text
    listed = re.findall(r'data-handout="([0-9a-f-]{36})"', shown)
    assert link.group(2) == "2" and sorted(listed) == sorted(e["id"] for e in sent)
    assert "华家河村小学" in shown
    assert 'data-handout="' not in as_user("coord_fx").get(html.unescape(link.group(1))).text


def test_a_team_row_links_with_its_team(as_user, db, place):
    from tests.admin_helpers import team_id

    team = db(team_id, "郧阳区志愿服务一队")
    page = as_user("coord").get(f"/dashboard?by=team&place={_township(db)}").text
    number, url = _cell(page, team, "visits")
    assert number == "2"
    assert _query(url)["team"] == str(team)


def test_a_coordinator_of_another_county_sees_nothing_of_this_one(as_user, db, place):
    other = as_user("coord_fx")
    page = other.get(f"/dashboard?place={place['village']}").text
    assert f'data-row="{place["village"]}"' not in page
    assert 'id="no-rows"' in page
    own = other.get("/dashboard").text
    assert f'data-row="{place["village"]}"' not in own
    assert "试点村" not in own


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("period=range&since=2026-13-01&until=2026-12-31", "bad_date"),
        ("period=range&since=2026-12-31&until=2026-12-01", "range_reversed"),
        ("period=range&since=1990-01-01&until=2026-12-01", "range_too_long"),
        ("since=x&until=", "bad_date"),
    ],
)
def test_a_bad_period_is_refused_in_chinese(as_user, query, code):
    response = as_user("coord").get(f"/dashboard?{query}")
    assert response.status_code == 400
    error = re.search(r'id="period-error" role="alert" data-code="(\w+)">([^<]+)<', response.text)
    assert error and error.group(1) == code
    assert re.search(r"[\u4e00-\u9fff]", error.group(2)), error.group(2)


def test_last_month_and_this_year_are_periods(as_user, place):
    coord = as_user("coord")
    last = coord.get("/dashboard?period=last_month").text
    first = NOW.date().replace(day=1)
    assert re.search(r"id=\"dashboard-period\"><strong>(\S+) – (\S+)</strong>", last).group(2) < (
        first.isoformat()
    )
    year = coord.get("/dashboard?period=this_year").text
    assert f"<strong>{NOW.year}-01-01 – " in year


def test_charts_are_svg_with_a_text_alternative(as_user, db, place):
    page = as_user("coord").get(f"/dashboard?place={_township(db)}").text
    chart = re.search(r'<figure class="card dash-chart" id="chart-2">(.*?)</figure>', page, re.S)
    assert chart, "no chart per area"
    drawn = chart.group(1)
    assert '<svg role="img" aria-labelledby="chart-2-svg-title"' in drawn
    title = re.search(r'<title id="chart-2-svg-title">([^<]+)</title>', drawn).group(1)
    assert "试点村 2" in title
    assert 'data-bar="试点村">2<' in drawn
    assert "<script" not in drawn


def test_each_indicator_says_what_it_counts(as_user, place):
    page = as_user("coord").get("/dashboard").text
    total = re.search(r'data-indicator="visits">(.*?)</div>', page, re.S).group(1)
    assert "户次" in total
    assert 'class="muted dash-def"' in total


def test_the_workbook_carries_the_pages_numbers(as_user, db, place):
    import io

    from openpyxl import load_workbook

    coord = as_user("coord")
    query = f"place={_township(db)}"
    page = coord.get(f"/dashboard?{query}").text
    link = re.search(r'href="(/dashboard/export\.xlsx\?[^"]+)"', page).group(1)
    assert _query(html.unescape(link))["place"] == str(_township(db))
    response = coord.get(html.unescape(link))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header, lines = rows[0], {r[0]: r for r in rows[1:]}
    assert header[0] == "名称" and "走访次数（户次）" in header
    visits = header.index("走访次数（户次）")
    assert lines["试点村"][visits] == int(_cell(page, place["village"], "visits")[0]) == 2
    assert lines["合计"][visits] >= 2
    assert len(book.sheetnames) == 3


def test_the_csv_opens_in_excel_and_the_export_is_audited(as_user, db, place):
    import csv
    import io

    from server.audit.tables import AuditLog

    coord = as_user("coord")
    response = coord.get(f"/dashboard/export.csv?by=team&place={_township(db)}")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "名称" and rows[-1][0] == "合计"

    async def audited() -> list[str]:
        return [r["action"] for r in await AuditLog.select(AuditLog.action)]

    assert "dashboard.export" in db(audited)


def test_another_countys_export_holds_nothing_of_this_one(as_user, place):
    response = as_user("coord_fx").get(f"/dashboard/export.csv?place={place['village']}")
    assert "试点村" not in response.content.decode("utf-8-sig")
    assert as_user("vol2").get("/dashboard/export.csv").status_code == 403


def test_a_flagged_entry_counts_and_is_marked_with_a_link_to_it(as_user, db, place):
    from server.pairings import pairing
    from tests.builders import push_results, visit_entry
    from tests.review_helpers import days_ago

    h = place["households"][2]
    db(pairing.unpair, None, place["vol2"], h)
    late = visit_entry(h, recorded_at=days_ago(0.05), visited_at=days_ago(0.05))
    [result] = push_results(as_user("vol2"), [late])
    assert result["status"] == "accepted", result
    page = as_user("coord").get(f"/dashboard?place={_township(db)}").text
    assert _cell(page, place["village"], "visits")[0] == "3"
    flag = re.search(
        rf'<tr data-row="{place["village"]}">.*?<td data-cell="visits">.*?'
        r'<a class="dash-flag" href="([^"]+)"[^>]*><span aria-hidden="true">⚑</span>1<',
        page,
        re.S,
    )
    assert flag, "no flag mark"
    assert _query(html.unescape(flag.group(1)))["flagged"] == "1"

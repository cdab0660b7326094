"""导出 of the coordinator's lists: the review lists, 需要跟进 and 户户走到, as .xlsx and .csv,
carrying what the page shows with the page's filters."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.export_helpers import csv_rows, exports_audited, only_sheet
from tests.review_helpers import ids_in, small_village, visit


@pytest.fixture
def place(as_user, db):
    """试点村: four visits by vol2, one with an urgent health need (an open follow-up)."""
    made = db(small_village)
    vol2 = as_user("vol2")
    for n, household in enumerate(made["households"]):
        visit(vol2, household, 2 + n, **({"health": "urgent"} if n == 0 else {}))
    return made


def _page_entries(html: str) -> list[str]:
    return re.findall(r'data-entry="([0-9a-f-]{36})"', html)


def test_the_review_export_holds_the_rows_the_page_shows(as_user, place):
    coord = as_user("coord")
    query = f"kind=visit&place={place['village']}"
    shown = _page_entries(coord.get(f"/review?{query}").text)
    rows = only_sheet(coord.get(f"/exports/review.xlsx?{query}"))
    assert rows[0][:4] == ("时间", "类型", "住户或活动", "志愿者")
    assert [r[6] for r in rows[1:]] == shown and len(shown) == 4
    assert isinstance(rows[1][0], dt.datetime)  # a real date, not text


def test_the_review_csv_round_trips(as_user, place):
    coord = as_user("coord")
    query = f"kind=visit&place={place['village']}"
    book = only_sheet(coord.get(f"/exports/review.xlsx?{query}"))
    [header, *rows] = csv_rows(coord.get(f"/exports/review.csv?{query}"))
    assert header == list(book[0])
    assert [r[1:4] + r[6:] for r in rows] == [list(b[1:4] + b[6:]) for b in book[1:]]
    assert [r[0] for r in rows] == [b[0].strftime("%Y-%m-%d %H:%M:%S") for b in book[1:]]


def test_the_review_page_links_its_export_with_its_filters(as_user, place):
    page = as_user("coord").get(f"/review?kind=visit&place={place['village']}").text
    link = re.search(r'id="review-export">.*?href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("/exports/review.xlsx?") and "kind=visit" in link
    assert f"area={place['village']}" in link


def test_a_coordinator_exports_nothing_of_another_area(as_user, place):
    coord = as_user("coord")
    mine = {r[6] for r in only_sheet(coord.get("/exports/review.xlsx?kind=visit"))[1:]}
    theirs = {r[6] for r in csv_rows(as_user("coord_fx").get("/exports/review.csv"))[1:]}
    village = set(_page_entries(coord.get(f"/review?place={place['village']}").text))
    assert village <= mine and not village & theirs
    followups = csv_rows(as_user("coord_fx").get("/exports/followups.csv"))
    assert not [r for r in followups[1:] if r[1] == "试点村"]


def test_every_list_export_is_audited_with_its_filters(as_user, db, place):
    coord = as_user("coord")
    coord.get(f"/exports/review.csv?kind=visit&place={place['village']}")
    coord.get("/exports/followups.xlsx?status=open&area=health")
    coord.get("/exports/coverage.csv?days=30&by=team")
    [review] = db(exports_audited, "review")
    assert review["who"] == "coord" and review["format"] == "csv"
    assert review["kind"] == "visit" and review["area"] == str(place["village"])
    [followups] = db(exports_audited, "followups")
    assert followups["format"] == "xlsx" and followups["area"] == "health"
    [coverage] = db(exports_audited, "coverage")
    assert coverage["by"] == "team" and coverage["days"] == 30


def test_the_follow_up_export_lists_the_queue(as_user, place):
    coord = as_user("coord")
    query = f"place={place['village']}"
    shown = ids_in(coord.get(f"/followups?{query}").text, "followup")
    rows = only_sheet(coord.get(f"/exports/followups.xlsx?{query}"))
    assert len(rows) - 1 == len(shown) == 1
    assert rows[1][1:5] == ("试点村", "试点户0", "SD000", "身体健康")
    assert rows[1][6] == "李红梅" and rows[1][9] is None  # open: not closed yet


def test_the_follow_up_export_keeps_the_page_s_dates(as_user, place):
    from tests.review_helpers import NOW

    coord = as_user("coord")
    today = NOW.date().isoformat()
    for since, held in ((today, 0), ((NOW.date() - dt.timedelta(days=5)).isoformat(), 1)):
        page = coord.get(f"/followups?place={place['village']}&from={since}&to={today}").text
        assert len(ids_in(page, "followup")) == held
        link = re.search(r'id="followup-export">.*?href="([^"]+)"', page).group(1)
        rows = only_sheet(coord.get(link.replace("&amp;", "&")))
        assert len(rows) - 1 == held, since


def _export_link(page: str, id_: str) -> str:
    return re.search(rf'id="{id_}">.*?href="([^"]+)"', page).group(1).replace("&amp;", "&")


def test_the_coverage_drill_down_exports_the_households_it_lists(as_user, db, place):
    coord = as_user("coord")
    page = coord.get(f"/coverage/village/{place['village']}?days=3&state=stale").text
    shown = ids_in(page, "household")
    assert len(shown) == 3
    link = _export_link(page, "coverage-households-export")
    rows = only_sheet(coord.get(link))
    assert rows[0][0] == "户编号"
    assert sorted(r[0] for r in rows[1:]) == ["SD001", "SD002", "SD003"]
    assert isinstance(rows[1][3], dt.datetime)
    assert [r[0] for r in csv_rows(coord.get(link.replace(".xlsx", ".csv")))[1:]] == [
        r[0] for r in rows[1:]
    ]
    assert only_sheet(as_user("coord_fx").get(link))[1:] == []
    assert [a["state"] for a in db(exports_audited, "coverage_households")] == ["stale"] * 3


def test_the_phones_list_exports_the_phones_it_shows(as_user, db, place):
    from tests.builders import push
    from tests.review_helpers import days_ago

    vol2 = as_user("vol2")
    push(vol2, [], device_id="slow-phone", pending_count=3, oldest_pending_at=days_ago(5))
    coord = as_user("coord")
    link = _export_link(coord.get("/review/phones?days=3").text, "phones-export")
    [header, row, total] = only_sheet(coord.get(link))
    assert header[0] == "志愿者" and row[3] == 3 and isinstance(row[4], dt.datetime)
    assert (total[0], total[3]) == ("合计", 3)
    assert [r[0] for r in only_sheet(as_user("coord_fx").get(link))[1:]] == ["合计"]
    assert db(exports_audited, "phones")[0]["days"] == 3


def test_the_coverage_export_carries_the_page_counts_and_a_total(as_user, place):
    coord = as_user("coord")
    page = coord.get("/coverage?days=3").text
    row = re.search(rf'<tr data-coverage="{place["village"]}">(.*?)</tr>', page, re.S).group(1)
    counts = dict(re.findall(r'data-count="(\w+)">(?:<a [^>]*>)?(\d+)%?<', row))
    rows = only_sheet(coord.get("/exports/coverage.xlsx?days=3"))
    [mine] = [r for r in rows[1:] if r[0] == "试点村"]
    assert mine[2:] == tuple(
        int(counts[k]) for k in ("households", "visited", "share", "not_visited", "never")
    )
    *villages, total = rows[1:]
    assert total[0] == "合计" and total[2] == sum(r[2] for r in villages)
    assert total[4] is None  # a share does not add up


@pytest.mark.parametrize("path", ["review.xlsx", "followups.csv", "coverage.xlsx"])
def test_a_volunteer_may_not_export(as_user, path):
    assert as_user("vol1").get(f"/exports/{path}").status_code == 403


async def _flag_first_visit(household: int) -> str:
    from server.entries.kinds.visit import Visit
    from server.entries.tables import Entry

    row = await Visit.select(Visit.entry).where(Visit.household == household).first()
    await Entry.update({Entry.flag: "pairing_ended"}).where(Entry.id == row["entry"])
    return str(row["entry"])


def test_the_flagged_queue_exports_only_flagged_entries(as_user, db, place):
    flagged = db(_flag_first_visit, place["households"][1])
    coord = as_user("coord")
    page = coord.get("/review/flagged").text
    link = re.search(r'id="review-export">.*?href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert "flagged=1" in link
    rows = only_sheet(coord.get(link))
    assert flagged in [r[6] for r in rows[1:]]
    assert {r[4] for r in rows[1:]} == {"是"}
    assert [r[5] for r in rows[1:] if r[6] == flagged] == ["结对已结束"]

"""审计: the audit log searched and exported, by admins and by coordinators for their areas."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.admin_helpers import post_form
from tests.review_helpers import ids_in, small_village, visit


async def _admin() -> None:
    from server.accounts import service as accounts
    from tests.support import DEMO_PASSWORD

    await accounts.create_account("admin", DEMO_PASSWORD, display_name="管理员", role="admin")


@pytest.fixture
def closed(as_user, db):
    """A follow-up in 试点村 opened by vol2's visit and closed by coord; its id."""
    from tests.test_followups import _items

    made = db(small_village)
    db(_admin)
    [household, *_] = made["households"]
    visit(as_user("vol2"), household, 3, health="urgent")
    [item] = db(_items, household)
    response = post_form(as_user("coord"), f"/followups/{item['id']}/close", {"outcome": "已送药"})
    assert response.status_code == 303
    return item["id"]


def _rows(client, query: str) -> list[int]:
    response = client.get(f"/audit?{query}")
    assert response.status_code == 200, response.text
    return ids_in(response.text, "audit")


def _csv(client, query: str) -> list[list[str]]:
    response = client.get(f"/audit/export.csv?{query}")
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_log_is_searched_by_record(as_user, closed):
    page = as_user("coord").get(f"/audit?record=follow_up&record_id={closed}").text
    assert "follow_up.close" in page and "follow_up.open" in page
    assert len(ids_in(page, "audit")) == 2


def test_the_log_is_searched_by_who_and_what(as_user, closed):
    coord = as_user("coord")
    by_coord = coord.get(f"/audit?who=郧阳区工作人员&record_id={closed}").text
    assert "follow_up.close" in by_coord and "follow_up.open" not in by_coord
    assert len(_rows(coord, f"what=follow_up.open&record_id={closed}")) == 1


def test_the_log_is_searched_by_date(as_user, closed):
    coord = as_user("coord")
    assert _rows(coord, f"record_id={closed}&record=follow_up&until=2000-01-01") == []
    assert len(_rows(coord, f"record_id={closed}&record=follow_up&since=2000-01-01")) == 2


def test_the_log_pages_newest_first(as_user, closed):
    import re

    from server.audit.search import PAGE

    admin = as_user("admin")
    first = admin.get("/audit").text
    ids = ids_in(first, "audit")
    assert len(ids) == PAGE and ids == sorted(ids, reverse=True)
    next_url = re.search(r'id="next-page" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = ids_in(admin.get(next_url).text, "audit")
    assert second and max(second) < min(ids)


def test_the_csv_export_round_trips(as_user, closed):
    [header, *rows] = _csv(as_user("coord"), f"record=follow_up&record_id={closed}")
    assert header[:4] == ["时间", "操作人", "用户名", "操作"]
    assert [r[3] for r in rows] == ["follow_up.close", "follow_up.open"]
    assert '"outcome": "已送药"' in rows[0][7]


def test_the_xlsx_export_opens_with_openpyxl(as_user, closed):
    response = as_user("coord").get(f"/audit/export.xlsx?record=follow_up&record_id={closed}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "操作"
    assert [r[3] for r in rows[1:]] == ["follow_up.close", "follow_up.open"]
    assert hasattr(rows[1][0], "year")  # a real date, not text


def test_every_export_is_audited(as_user, closed):
    coord = as_user("coord")
    coord.get("/audit/export.csv?what=follow_up")
    assert "audit.export" in coord.get("/audit?what=audit.export").text


def test_a_coordinator_of_another_area_sees_nothing_of_this_one(as_user, closed):
    other = as_user("coord_fx")
    assert _rows(other, f"record=follow_up&record_id={closed}") == []
    assert _csv(other, f"record=follow_up&record_id={closed}")[1:] == []
    assert _csv(other, "who=李红梅")[1:] == []
    assert _csv(other, "who=郧阳区工作人员")[1:] == []
    assert as_user("vol2").get("/audit").status_code == 404


def test_an_admin_sees_everything(as_user, closed):
    assert len(_rows(as_user("admin"), f"record=follow_up&record_id={closed}")) == 2

"""Large .xlsx exports as background jobs: past ``EXPORT_INLINE_ROWS`` rows an export
request queues a job and opens its progress page; the app's worker writes the same
workbook the request would have, for the account that asked only."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from tests.export_helpers import exports_audited, only_sheet, sheets
from tests.review_helpers import small_village, visit

QUERY = "kind=visit"


@pytest.fixture
def place(as_user, db):
    """试点村 with four visits by vol2 (coord's area)."""
    made = db(small_village)
    vol2 = as_user("vol2")
    for n, household in enumerate(made["households"]):
        visit(vol2, household, 2 + n)
    return made


def _job_page(client, path: str):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/exports/jobs/\d+", location)
    return location


def _until(client, location: str, status: str) -> str:
    """The job page once the job has reached ``status`` (the worker runs beside)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page = client.get(location).text
        if f'data-status="{status}"' in page:
            return page
        time.sleep(0.05)
    raise AssertionError(f"{location} never became {status}: {page}")


async def _job(job_id: int) -> dict:
    from server.exports.tables import ExportJob

    return await ExportJob.select().where(ExportJob.id == job_id).first()


async def _set(job_id: int, values: dict) -> None:
    from server.exports.tables import ExportJob

    await ExportJob.update({getattr(ExportJob, k): v for k, v in values.items()}).where(
        ExportJob.id == job_id
    )


def test_a_large_export_becomes_a_job_holding_the_inline_rows(as_user, app_as, place):
    inline = only_sheet(as_user("coord").get(f"/exports/review.xlsx?{QUERY}"))
    coord = app_as("coord", export_inline_rows=2)
    location = _job_page(coord, f"/exports/review.xlsx?{QUERY}")
    page = _until(coord, location, "done")
    assert "已完成" in page and 'id="export-download"' in page
    made = coord.get(f"{location}/file")
    assert made.headers["content-disposition"].endswith('.xlsx"')
    assert only_sheet(made) == inline and len(inline) >= 5


def test_a_small_export_is_still_answered_at_once(app_as, place):
    response = app_as("coord", export_inline_rows=1000).get(f"/exports/review.xlsx?{QUERY}")
    assert response.status_code == 200 and response.content.startswith(b"PK")


def test_every_workbook_export_can_become_a_job(app_as, place):
    coord = app_as("coord", export_inline_rows=0)
    location = _job_page(coord, "/reports/report.xlsx?period=this_year")
    _until(coord, location, "done")
    assert "走访" in sheets(coord.get(f"{location}/file"))
    for path in (
        "/reports/hours.xlsx?period=this_year",
        "/exports/followups.xlsx",
        "/exports/phones.xlsx",
        "/exports/coverage-households.xlsx?by=village&id=1&state=never",
        "/audit/export.xlsx",
    ):
        _until(coord, _job_page(coord, path), "done")


def test_the_csv_still_streams_inline(app_as, place):
    response = app_as("coord", export_inline_rows=0).get(f"/exports/review.csv?{QUERY}")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")


def test_the_job_page_shows_the_rows_written_and_asks_again_every_2_s(app_as, db, place):
    coord = app_as("coord", export_inline_rows=0)
    location = _job_page(coord, f"/exports/review.xlsx?{QUERY}")
    job_id = int(location.rsplit("/", 1)[1])
    _until(coord, location, "done")
    now = dt.datetime.now(dt.UTC)
    db(_set, job_id, {"status": "running", "rows_written": 1234, "heartbeat_at": now})
    page = coord.get(location).text
    assert "已写入 1234 行" in page
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{location}"' in page
    fragment = coord.get(location, headers={"HX-Request": "true"}).text
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment


def test_another_account_gets_403_for_the_job_and_its_file(app_as, as_user, client, place):
    coord = app_as("coord", export_inline_rows=0)
    location = _job_page(coord, f"/exports/review.xlsx?{QUERY}")
    _until(coord, location, "done")
    other = as_user("coord_fx")
    assert other.get(location).status_code == 403
    assert other.get(f"{location}/file").status_code == 403
    assert client.get(f"{location}/file", follow_redirects=False).status_code in (302, 303, 401)


def test_an_export_job_is_audited_once(app_as, db, place):
    coord = app_as("coord", export_inline_rows=0)
    location = _job_page(coord, f"/exports/review.xlsx?{QUERY}")
    _until(coord, location, "done")
    coord.get(f"{location}/file")
    [audited] = db(exports_audited, "review")
    assert audited["who"] == "coord" and audited["format"] == "xlsx" and audited["kind"] == "visit"


def test_a_job_left_running_by_a_dead_process_fails_and_says_so_in_chinese(app_as, db, place):
    coord = app_as("coord", export_inline_rows=0)
    location = _job_page(coord, f"/exports/review.xlsx?{QUERY}")
    job_id = int(location.rsplit("/", 1)[1])
    _until(coord, location, "done")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    db(_set, job_id, {"status": "running", "heartbeat_at": long_ago, "file_path": None})
    coord.get(f"/exports/review.xlsx?{QUERY}", follow_redirects=False)  # wakes the worker
    page = _until(coord, location, "failed")
    assert "导出失败" in page and "中断" in page
    assert coord.get(f"{location}/file").status_code == 404


def test_a_job_is_claimed_by_one_worker_only(db):
    import asyncio

    from server.accounts.service import load_actor
    from server.exports import jobs
    from tests.admin_helpers import account_id

    async def two_claims():
        actor = await load_actor(await account_id("coord"))
        job_id = await jobs.ask(actor, "review", {}, {}, "zh_CN")
        claimed = await asyncio.gather(jobs.claim(), jobs.claim(), jobs.claim())
        return job_id, [c["id"] if c else None for c in claimed]

    job_id, claimed = db(two_claims)
    assert sorted(claimed, key=str) == sorted([job_id, None, None], key=str)
    assert db(_job, job_id)["attempts"] == 1


def test_files_older_than_a_day_are_deleted(app_as, db, settings, place):
    from server.exports import jobs

    coord = app_as("coord", export_inline_rows=0)
    location = _job_page(coord, f"/exports/review.xlsx?{QUERY}")
    job_id = int(location.rsplit("/", 1)[1])
    _until(coord, location, "done")
    file = settings.data_dir / db(_job, job_id)["file_path"]
    assert file.exists()
    day_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=1, minutes=1)
    db(_set, job_id, {"finished_at": day_ago})
    db(jobs.delete_old_files, settings.data_dir)
    assert not file.exists()
    assert "删除" in coord.get(location).text
    assert coord.get(f"{location}/file").status_code == 404

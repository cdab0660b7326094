"""The visits' monthly tallies follow the deployment's time zone: a changed zone makes the
months and every tally again, once."""

from __future__ import annotations

import datetime as dt


async def _tallied() -> tuple[int, int]:
    from server.db import fetch

    rows = await fetch(
        "SELECT COUNT(*) AS n, SUM(visits) AS v FROM visit_tally WHERE month % 100 <> 0"
    )
    return int(rows[0]["n"]), int(rows[0]["v"] or 0)


async def _years_against_months() -> list[dict]:
    """Each year's row beside the sums of its months' rows, per column."""
    from server.db import fetch
    from server.entries.kinds.visit_tally import SUMMED

    sums = ", ".join(f"SUM({c}) AS {c}" for c in SUMMED)
    values = ", ".join(f"y.{c} AS y_{c}" for c in SUMMED)
    return await fetch(
        f"SELECT m.*, {values} FROM (SELECT household, volunteer, month / 100 AS year, "
        f"{sums} FROM visit_tally WHERE month % 100 <> 0 GROUP BY household, volunteer, "
        "month / 100) m FULL JOIN (SELECT * FROM visit_tally WHERE month % 100 = 0) y "
        "ON y.household = m.household AND y.volunteer = m.volunteer AND y.month = m.year * 100"
    )


async def _december_starts() -> dt.datetime:
    from server.entries.kinds.visit_tally import TallyMonth

    row = await TallyMonth.select(TallyMonth.starts).where(TallyMonth.month == 202612).first()
    starts = row["starts"]
    return dt.datetime.fromisoformat(starts) if isinstance(starts, str) else starts


async def _visits() -> int:
    from server.db import fetch

    rows = await fetch(
        "SELECT COUNT(*) AS n FROM visit v JOIN entry e ON e.id = v.entry "
        "WHERE e.superseded_by IS NULL"
    )
    return int(rows[0]["n"])


def test_a_year_row_holds_the_sums_of_its_months(db):
    from server.entries.kinds.visit_tally import SUMMED

    rows = db(_years_against_months)
    assert rows and sum(int(r["visits"] or 0) for r in rows) == db(_visits)
    for row in rows:
        assert [row[c] for c in SUMMED] == [row[f"y_{c}"] for c in SUMMED], row
    months = {c: sum(int(r[c] or 0) for r in rows) for c in SUMMED}
    assert months["m12"] + months["m11"] > 0 and months["visits"] == sum(
        months[f"m{n:02d}"] for n in range(1, 13)
    )


def test_a_changed_time_zone_makes_the_months_and_tallies_again(db):
    from server.entries.kinds.visit_tally import ensure_zone

    assert db(_december_starts) == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)
    before = db(_tallied)
    assert before[1] == db(_visits) > 0  # the demo's visits, every one tallied
    try:
        db(ensure_zone, "UTC")
        assert db(_december_starts) == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        assert db(_tallied)[1] == before[1]
    finally:
        db(ensure_zone, "Asia/Shanghai")
    assert db(_december_starts) == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)

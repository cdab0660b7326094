"""The visits' monthly tallies follow the deployment's time zone: a changed zone makes the
months and every tally again, once."""

from __future__ import annotations

import datetime as dt


async def _tallied() -> tuple[int, int]:
    from server.db import fetch

    rows = await fetch("SELECT COUNT(*) AS n, SUM(visits) AS v FROM visit_tally")
    return int(rows[0]["n"]), int(rows[0]["v"] or 0)


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

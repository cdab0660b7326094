"""PostgreSQL: two sign-ups for an activity's last place, sent at the same moment through
two apps (each with its own connections, as two processes are): exactly one gets it and
the other waits."""

from __future__ import annotations

import os

import pytest

from tests.activity_helpers import an_activity, sign_up, standings
from tests.test_ingest_concurrency import all_at_once

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(os.environ.get("DOORSTEP_TEST_DB") != "postgres", reason="needs PostgreSQL"),
]

ROUNDS = 6


def test_two_sign_ups_racing_for_the_last_place_give_it_to_exactly_one(db, as_user):
    vol1, vol2 = as_user("vol1"), as_user("vol2")
    for _ in range(ROUNDS):
        activity = db(an_activity, {"capacity": 1})
        results = all_at_once([lambda c=c, a=activity: sign_up(c, a) for c in (vol1, vol2)])
        assert sorted(r["code"] for r in results) == ["", "waiting_list"]
        held = db(standings, activity)
        assert (len(held["place"]), len(held["waiting"])) == (1, 1)

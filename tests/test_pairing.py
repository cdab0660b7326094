"""结对帮扶: coordinators pair and unpair households and volunteers; phones see it at their
next pull (a whole household when paired, a tombstone when unpaired)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.admin_helpers import (
    account_id,
    area_id,
    audit_actions,
    post_form,
    team_id,
)
from tests.helpers import household_ids_of
from tests.pull_helpers import pull_all


@pytest.fixture
def coord(as_user):
    return as_user("coord")


def _households(changes, deleted=False):
    return {int(c["id"]) for c in changes if c["kind"] == "household" and c["deleted"] is deleted}


def test_a_household_paired_with_a_volunteer_reaches_their_next_pull(coord, as_user, db):
    vol2 = as_user("vol2")
    _, cursor = pull_all(vol2)
    [household, *_] = db(household_ids_of, "vol1")
    response = post_form(
        coord, "/admin/pairing/pair", {"household": household, "volunteer": db(account_id, "vol2")}
    )
    assert response.status_code == 303
    changes, _ = pull_all(vol2, cursor)
    assert _households(changes) == {household}


def test_a_paired_household_arrives_whole_with_its_members(coord, as_user, db):
    vol2 = as_user("vol2")
    _, cursor = pull_all(vol2)
    [household, *_] = db(household_ids_of, "vol1")
    post_form(
        coord, "/admin/pairing/pair", {"household": household, "volunteer": db(account_id, "vol2")}
    )
    [change] = [c for c in pull_all(vol2, cursor)[0] if c["kind"] == "household"]
    assert change["data"]["code"] and change["data"]["members"]


def test_an_unpaired_household_is_a_tombstone_in_the_next_pull(coord, vol1, db):
    _, cursor = pull_all(vol1)
    [household, *_] = db(household_ids_of, "vol1")
    response = post_form(
        coord,
        "/admin/pairing/unpair",
        {"household": household, "volunteer": db(account_id, "vol1")},
    )
    assert response.status_code == 303
    changes, _ = pull_all(vol1, cursor)
    assert _households(changes, deleted=True) == {household}
    assert household not in db(household_ids_of, "vol1")


def test_pairing_a_whole_village_pairs_each_of_its_households(coord, as_user, db):
    vol2 = as_user("vol2")
    _, cursor = pull_all(vol2)
    village = db(area_id, "华家河村")
    response = post_form(
        coord, "/admin/pairing/village", {"village": village, "volunteer": db(account_id, "vol2")}
    )
    assert response.status_code == 303
    page = coord.get(f"/admin/pairing?village={village}").text
    in_village = {int(h) for h in re.findall(r'data-household="(\d+)"', page)}
    assert in_village and _households(pull_all(vol2, cursor)[0]) == in_village


def _import_unpaired_village(coord, village: str, count: int) -> None:
    out = io.StringIO()
    rows = [["户编号", "户主姓名", "村"]] + [
        [f"Y{i:03d}", f"户主{i}", village] for i in range(count)
    ]
    csv.writer(out).writerows(rows)
    from tests.support import csrf

    response = coord.post(
        "/admin/roster",
        data={"_csrf_token": csrf(coord)},
        files={"file": ("r.csv", out.getvalue().encode())},
        follow_redirects=False,
    )
    upload = response.headers["location"]
    assert post_form(coord, f"{upload}/import").status_code == 303


def test_spreading_a_village_across_a_team_takes_turns(coord, db):
    from server.pairings.tables import Pairing

    _import_unpaired_village(coord, "樱桃沟村", 5)
    response = post_form(
        coord,
        "/admin/pairing/spread",
        {"village": db(area_id, "樱桃沟村"), "team": db(team_id, "郧阳区志愿服务一队")},
    )
    assert response.status_code == 303

    async def shares():
        rows = await Pairing.select(Pairing.volunteer).where(
            Pairing.household.village.name == "樱桃沟村"
        )
        counts = {}
        for r in rows:
            counts[r["volunteer"]] = counts.get(r["volunteer"], 0) + 1
        return sorted(counts.values())

    assert db(shares) == [2, 3]


def test_spreading_leaves_households_that_already_have_a_volunteer(coord, db):
    before = db(household_ids_of, "vol1")
    post_form(
        coord,
        "/admin/pairing/spread",
        {"village": db(area_id, "华家河村"), "team": db(team_id, "郧阳区志愿服务一队")},
    )
    assert db(household_ids_of, "vol1") == before
    assert not set(before) & set(db(household_ids_of, "vol2"))


def test_pairing_is_audited(coord, db):
    [household, *_] = db(household_ids_of, "vol1")
    post_form(
        coord, "/admin/pairing/pair", {"household": household, "volunteer": db(account_id, "vol2")}
    )
    assert "pairing.create" in db(audit_actions, "pairing", household)


def test_a_coordinator_cannot_pair_a_household_outside_their_areas(coord, db):
    [fang, *_] = db(household_ids_of, "vol3")
    response = post_form(
        coord, "/admin/pairing/pair", {"household": fang, "volunteer": db(account_id, "vol2")}
    )
    assert response.status_code == 404
    assert fang not in db(household_ids_of, "vol2")


def test_a_coordinator_cannot_pair_a_volunteer_outside_their_areas(coord, db):
    [household, *_] = db(household_ids_of, "vol1")
    response = post_form(
        coord, "/admin/pairing/pair", {"household": household, "volunteer": db(account_id, "vol3")}
    )
    assert response.status_code == 404
    assert household not in db(household_ids_of, "vol3")

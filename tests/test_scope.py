"""The one scope rule, role by role: who sees what of two areas (郧阳区 and 房县).

Each role opens every kind of object of both areas through the pages and the API, and
what it could reach is compared with one table.
"""

from __future__ import annotations

import json

import pytest

from tests.admin_helpers import account_id, area_id, post_form, team_id
from tests.builders import export_file, push, visit_entry
from tests.helpers import household_ids_of
from tests.support import DEMO_PASSWORD, csrf

AREAS = {"yy": "郧阳区", "fx": "房县"}
VOLUNTEER = {"yy": "vol1", "fx": "vol3"}
"""The volunteer whose households stand for each area's households."""
OTHER = {"yy": "vol2", "fx": "vol4"}
"""Another volunteer of each area: their account, device and export are the area's."""
TEAM = {"yy": "郧阳区志愿服务一队", "fx": "房县志愿服务队"}
TOWNSHIP = {"yy": "大柳乡", "fx": "城关镇"}
KINDS = ("household", "entry", "flag", "area", "team", "account", "device", "import")

EVERYTHING = {(kind, area) for kind in KINDS for area in AREAS}
ROLES = {
    "admin": EVERYTHING,
    "coord": {(kind, "yy") for kind in KINDS},
    "coord_fx": {(kind, "fx") for kind in KINDS},
    "vol1": {("household", "yy"), ("entry", "yy")},
    "vol3": {("household", "fx"), ("entry", "fx")},
}
"""What each role reaches: (kind, area)."""


async def _accounts() -> None:
    from server.accounts import service as accounts

    fang = (await accounts.area_ids_by_name([AREAS["fx"]]))[0]
    await accounts.create_account(
        "coord_fx", DEMO_PASSWORD, display_name="房县工作人员", role="coordinator", area_ids=(fang,)
    )
    await accounts.create_account("admin", DEMO_PASSWORD, display_name="管理员", role="admin")


async def _flag(household_id: int) -> None:
    from server.households import change
    from server.households.tables import Household

    row = await Household.select(Household.version).where(Household.id == household_id).first()
    for device, phone in (("phone-a", "13800000001"), ("phone-b", "13800000002")):
        await change.apply_household_change(
            None, household_id, {"phone": phone}, row["version"], device_id=device
        )


def _visit(household_id: int, note: str) -> dict:
    return visit_entry(
        household_id, visited_at="2026-11-20T09:40:00+08:00", follow_up=True, follow_up_note=note
    )


def _export(account: int, household_id: int) -> bytes:
    export = export_file(account, [_visit(household_id, "imported")], device_id="export-phone")
    return json.dumps(export).encode()


@pytest.fixture
def world(as_user, db):
    """Both areas with a household, an entry, a flag and a device each; ids by area."""
    db(_accounts)
    ids = {}
    for area in AREAS:
        [household, *_] = db(household_ids_of, VOLUNTEER[area])
        other = as_user(OTHER[area])
        [other_household, *_] = db(household_ids_of, OTHER[area])
        response = push(other, [], device_id=f"{area}phone-device")
        assert response.status_code == 200, response.text
        volunteer = as_user(VOLUNTEER[area])
        note = f"probe-{area}"
        assert push(volunteer, [_visit(household, note)]).json()["results"][0]["status"] == (
            "accepted"
        )
        db(_flag, household)
        ids[area] = {
            "household": household,
            "note": note,
            "area": db(area_id, TOWNSHIP[area]),
            "team": db(team_id, TEAM[area]),
            "account": db(account_id, OTHER[area]),
            "export": _export(db(account_id, OTHER[area]), other_household),
        }
    return ids


def _reaches(client, kind: str, of: dict) -> bool:
    household = of["household"]
    if kind == "household":
        return client.get(f"/households/{household}").status_code == 200
    if kind == "entry":
        page = client.get(f"/households/{household}")
        return page.status_code == 200 and of["note"] in page.text
    if kind == "flag":
        page = client.get("/conflicts")
        return page.status_code == 200 and f"/households/{household}/conflicts" in page.text
    if kind in ("area", "team", "account"):
        path = {"area": "areas", "team": "teams", "account": "accounts"}[kind]
        return client.get(f"/admin/{path}/{of[kind]}").status_code == 200
    if kind == "device":
        page = client.get("/devices")
        prefix = "yyphone-" if of["note"].endswith("yy") else "fxphone-"
        return page.status_code == 200 and prefix in page.text
    assert kind == "import"
    response = client.post(
        "/sync/import",
        data={"_csrf_token": csrf(client)},
        files={"file": ("export.json", of["export"], "application/json")},
    )
    return response.status_code == 200 and 'data-status="accepted"' in response.text


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_exactly_its_scope(role, world, as_user):
    client = as_user(role)
    reached = {
        (kind, area) for kind in KINDS for area in AREAS if _reaches(client, kind, world[area])
    }
    assert reached == ROLES[role]


# --- the defects the one rule closes ---------------------------------------------


async def _pair_across(username: str, other: str) -> int:
    """Pair ``username`` also with the first household of ``other`` (in another county)."""
    from server.pairings import pairing

    [household, *_] = await household_ids_of(other)
    await pairing.pair(None, await account_id(username), household)
    return household


async def _code_of(household_id: int) -> str:
    from server.households.tables import Household

    row = await Household.select(Household.code).where(Household.id == household_id).first()
    return row["code"]


def test_a_volunteers_pairing_page_hides_their_households_in_another_county(as_user, db):
    far = db(_pair_across, "vol1", "vol3")
    page = as_user("coord").get(f"/admin/pairing?volunteer={db(account_id, 'vol1')}")
    assert page.status_code == 200
    [near, *_] = db(household_ids_of, "vol1")
    assert db(_code_of, near) in page.text
    assert db(_code_of, far) not in page.text


async def _visit_stored(entry_id: str) -> bool:
    from server.entries.tables import Entry

    return await Entry.exists().where(Entry.id == entry_id)


def test_an_import_stores_no_entry_about_a_household_outside_the_importers_areas(as_user, db):
    far = db(_pair_across, "vol1", "vol3")
    export = json.loads(_export(db(account_id, "vol1"), far))
    [entry] = export["entries"]
    coord = as_user("coord")
    response = coord.post(
        "/sync/import",
        data={"_csrf_token": csrf(coord)},
        files={"file": ("export.json", json.dumps(export), "application/json")},
    )
    assert 'data-status="rejected"' in response.text
    assert "该住户不在您负责的区域内。" in response.text
    assert not db(_visit_stored, entry["id"])


def test_a_coordinator_cannot_reset_the_password_of_a_volunteer_also_paired_elsewhere(
    as_user, client, db
):
    db(_pair_across, "vol1", "vol3")
    coord = as_user("coord")
    response = post_form(
        coord, f"/admin/accounts/{db(account_id, 'vol1')}/password", {"password": "taken-over-1"}
    )
    assert response.status_code == 422
    assert "只有管理员" in response.text
    assert (
        post_form(client, "/login", {"username": "vol1", "password": "taken-over-1"}).status_code
        == 401
    )


def test_a_coordinator_cannot_show_a_join_code_for_a_volunteer_also_paired_elsewhere(as_user, db):
    db(_pair_across, "vol1", "vol3")
    response = post_form(as_user("coord"), f"/admin/accounts/{db(account_id, 'vol1')}/join")
    assert response.status_code == 422
    assert "/join/" not in response.text


def test_an_admin_resets_the_password_of_a_volunteer_paired_in_two_areas(as_user, db):
    db(_accounts)
    db(_pair_across, "vol1", "vol3")
    response = post_form(
        as_user("admin"),
        f"/admin/accounts/{db(account_id, 'vol1')}/password",
        {"password": "new-password-1"},
    )
    assert response.status_code == 303


def test_a_coordinator_still_resets_a_volunteer_paired_only_in_their_areas(as_user, db):
    response = post_form(
        as_user("coord"),
        f"/admin/accounts/{db(account_id, 'vol1')}/password",
        {"password": "new-password-1"},
    )
    assert response.status_code == 303

"""今天, the household list and the household page."""

from __future__ import annotations

import re

from tests.helpers import household_ids_of


def _household(db, household_id):
    from server.households.tables import Household

    async def get():
        return await Household.select().where(Household.id == household_id).first()

    return db(get)


def test_today_lists_my_households_with_their_last_visit(vol1, db):
    page = vol1.get("/").text
    assert "我的结对户 (15)" in page
    assert page.count('class="row" data-household=') == 15
    assert "上次走访" in page and "尚未走访" in page


def test_today_puts_households_never_visited_first(vol1):
    page = vol1.get("/").text
    rows = re.findall(r'data-household="\d+">(.*?)</li>', page, re.S)
    never = [i for i, row in enumerate(rows) if "尚未走访" in row]
    visited = [i for i, row in enumerate(rows) if "上次走访" in row]
    assert never and visited and max(never) < min(visited)


def test_the_list_searches_by_head_of_household(vol1, db):
    household = _household(db, db(household_ids_of, "vol1")[0])
    page = vol1.get("/households", params={"q": household["head_name"]}).text
    assert f'data-household="{household["id"]}"' in page


def test_the_list_searches_by_phone(vol1, db):
    household = _household(db, db(household_ids_of, "vol1")[3])
    page = vol1.get("/households", params={"q": household["phone"][-6:]}).text
    assert page.count("data-household=") == 1
    assert f'data-household="{household["id"]}"' in page


def test_the_list_searches_by_village(vol1):
    page = vol1.get("/households", params={"q": "华家河"}).text
    villages = re.findall(r'<span class="muted">(\S+) · ', page)
    assert villages and set(villages) == {"华家河村"}


def test_an_htmx_search_returns_only_the_rows(vol1):
    headers = {"HX-Request": "true", "HX-Target": "household-rows"}
    response = vol1.get("/households", params={"q": "华家河"}, headers=headers)
    assert "<html" not in response.text
    assert 'id="household-list"' in response.text
    varies = {name.strip().lower() for name in response.headers["vary"].split(",")}
    assert {"hx-request", "hx-target"} <= varies


def test_a_boosted_link_to_the_list_gets_the_whole_page(vol1):
    headers = {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "body"}
    response = vol1.get("/households", headers=headers)
    assert "<html" in response.text
    assert 'class="tabs"' in response.text


def test_the_household_page_shows_members_and_place(vol1, db):
    household = _household(db, db(household_ids_of, "vol1")[0])
    page = vol1.get(f"/households/{household['id']}").text
    assert "户主" in page
    assert "郧阳区 · 大柳乡 · 华家河村" in page
    assert household["code"] in page


def test_members_have_stable_ids(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    first = re.findall(r'data-member="([0-9a-f-]{36})"', vol1.get(f"/households/{household}").text)
    second = re.findall(r'data-member="([0-9a-f-]{36})"', vol1.get(f"/households/{household}").text)
    assert first and first == second

"""The household edit form: works without JavaScript and goes in as a ``household_patch``."""

from __future__ import annotations

import re

from tests.helpers import household_ids_of
from tests.pull_helpers import household_row
from tests.support import csrf, form_fields


async def entries_of(household_id: int) -> list[dict]:
    import json

    from server.entries.tables import Entry

    rows = await Entry.select().where(Entry.kind == "household_patch")
    return [json.loads(r["body"]) for r in rows if f'"{household_id}"' in r["body"]]


async def members_of(household_id: int) -> list[dict]:
    from server.households.tables import Member

    return await Member.select().where(Member.household == household_id)


def edit_form(client, household: int) -> tuple[dict[str, str], str]:
    page = client.get(f"/households/{household}/edit")
    assert page.status_code == 200
    fields = form_fields(page.text)
    fields["_csrf_token"] = csrf(client)
    return fields, page.text


def test_changing_the_phone_sends_only_the_phone_with_the_version_shown(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields, _ = edit_form(vol1, household)
    fields["phone"] = "13900000001"
    response = vol1.post(f"/households/{household}/edit", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/households/{household}?saved=accepted"
    [entry] = db(entries_of, household)
    assert entry["data"] == {
        "household_id": str(household),
        "base_version": 1,
        "changes": {"phone": "13900000001"},
    }
    assert db(household_row, household)["phone"] == "13900000001"


def test_a_new_member_typed_into_a_blank_row_joins_the_household(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    before = len(db(members_of, household))
    fields, page = edit_form(vol1, household)
    blank = max(
        int(n) for n in re.findall(r'name="members\.(\d+)\.name" maxlength="64" value=""', page)
    )
    fields.update({f"members.{blank}.name": "王小明", f"members.{blank}.relation": "孙子女",
                   f"members.{blank}.birth_year": "2015"})  # fmt: skip
    vol1.post(f"/households/{household}/edit", data=fields)
    names = [m["name"] for m in db(members_of, household)]
    assert len(names) == before + 1
    assert "王小明" in names


def test_nothing_changed_saves_nothing(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields, _ = edit_form(vol1, household)
    response = vol1.post(f"/households/{household}/edit", data=fields, follow_redirects=False)
    assert response.headers["location"] == f"/households/{household}"
    assert db(entries_of, household) == []


def test_a_bad_birth_year_shows_the_form_again_with_what_was_typed(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields, _ = edit_form(vol1, household)
    fields.update({"members.0.birth_year": "去年", "address": "华家河村9组9号"})
    response = vol1.post(f"/households/{household}/edit", data=fields)
    assert response.status_code == 422
    assert 'value="华家河村9组9号"' in response.text
    assert db(household_row, household)["version"] == 1


def test_a_full_width_birth_year_is_the_number_the_phone_reads(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields, _ = edit_form(vol1, household)
    fields["members.0.birth_year"] = "１９７７"
    vol1.post(f"/households/{household}/edit", data=fields)
    [entry] = db(entries_of, household)
    assert entry["data"]["changes"]["members"][0]["birth_year"] == 1977


def test_other_digits_are_reported_as_a_bad_year_not_read_as_a_number(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    fields, _ = edit_form(vol1, household)
    fields["members.0.birth_year"] = "１９７²"  # str.isdigit() is true, int() refuses it
    response = vol1.post(f"/households/{household}/edit", data=fields)
    assert response.status_code == 422
    assert db(entries_of, household) == []


def test_a_household_outside_the_scope_has_no_edit_form(vol1, db):
    [other, *_] = db(household_ids_of, "vol2")
    assert vol1.get(f"/households/{other}/edit").status_code == 404


def test_the_household_page_links_to_the_edit_form(vol1, db):
    [household, *_] = db(household_ids_of, "vol1")
    assert f'href="/households/{household}/edit"' in vol1.get(f"/households/{household}").text

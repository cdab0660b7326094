"""Who sees what: volunteers their paired households, coordinators their areas, others 404."""

from __future__ import annotations

from tests.helpers import household_ids_of


def test_a_volunteer_sees_only_their_own_households(vol1, db):
    own = db(household_ids_of, "vol1")
    page = vol1.get("/households").text
    for household in own:
        assert f'href="/households/{household}"' in page
    for household in db(household_ids_of, "vol2"):
        assert f'href="/households/{household}"' not in page


def test_a_volunteer_asking_for_another_volunteers_household_gets_404(vol1, db):
    [other, *_] = db(household_ids_of, "vol2")
    assert vol1.get(f"/households/{other}").status_code == 404
    assert vol1.get(f"/households/{other}/visit").status_code == 404


def test_a_volunteer_cannot_post_a_visit_for_another_volunteers_household(vol1, db):
    [other, *_] = db(household_ids_of, "vol2")
    response = vol1.post(
        f"/households/{other}/visit",
        data={"_csrf_token": vol1.cookies["csrftoken"], "entry_id": "x"},
    )
    assert response.status_code == 404


def test_a_household_that_does_not_exist_is_404(vol1):
    assert vol1.get("/households/999999").status_code == 404


def test_a_coordinator_sees_households_inside_their_area(as_user, db):
    coord = as_user("coord")
    for household in db(household_ids_of, "vol1") + db(household_ids_of, "vol2"):
        assert coord.get(f"/households/{household}").status_code == 200


def test_a_coordinator_outside_their_area_gets_404(as_user, db):
    coord = as_user("coord")
    [fang_county, *_] = db(household_ids_of, "vol3")  # 房县, not 郧阳区
    assert coord.get(f"/households/{fang_county}").status_code == 404


def test_a_coordinator_list_holds_exactly_their_area(as_user, db):
    coord = as_user("coord")
    page = coord.get("/households").text
    inside = db(household_ids_of, "vol1") + db(household_ids_of, "vol2")
    outside = db(household_ids_of, "vol3") + db(household_ids_of, "vol4")
    assert all(f'data-household="{h}"' in page for h in inside)
    assert not any(f'data-household="{h}"' in page for h in outside)


def test_pages_without_a_session_send_people_to_login(client):
    response = client.get("/households", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/households"

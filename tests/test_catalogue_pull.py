"""Phones get the catalogues with pull (``catalogue_item``), and every change after."""

from __future__ import annotations

from tests.catalogue_helpers import item_ids
from tests.pull_helpers import of_kind, pull_all
from tests.support import csrf


def test_the_first_pull_carries_every_catalogue_item(vol1, db):
    changes, _ = pull_all(vol1)
    pulled = {
        (c["data"]["catalogue"], c["data"]["name"]) for c in of_kind(changes, "catalogue_item")
    }
    expected = {
        (catalogue, name)
        for catalogue in ("medicine", "supplies", "products")
        for name in db(item_ids, catalogue)
    }
    assert pulled == expected
    tea = next(c for c in of_kind(changes, "catalogue_item") if c["data"]["name"] == "绿茶")
    assert tea["data"] == {
        "catalogue": "products",
        "name": "绿茶",
        "specification": "",
        "unit": "斤",
        "retired": False,
    }


def test_a_retired_or_renamed_item_reaches_every_phone_at_its_next_pull(as_user, db):
    vol1, vol3, coord = as_user("vol1"), as_user("vol3"), as_user("coord")
    _, cursor1 = pull_all(vol1)
    _, cursor3 = pull_all(vol3)
    candy = db(item_ids, "supplies")["糖果"]
    coord.post(f"/admin/catalogues/supplies/{candy}/retire", data={"_csrf_token": csrf(coord)})
    coord.post(
        f"/admin/catalogues/supplies/{candy}",
        data={"_csrf_token": csrf(coord), "name": "水果糖", "specification": "500g", "unit": "袋"},
    )
    for client, cursor in ((vol1, cursor1), (vol3, cursor3)):
        [change] = pull_all(client, cursor)[0]
        assert (change["kind"], change["id"], change["version"]) == ("catalogue_item", candy, 3)
        assert (change["data"]["name"], change["data"]["retired"]) == ("水果糖", True)


def test_a_paged_pull_brings_the_catalogues_and_the_households_without_a_gap(vol1):
    whole, _ = pull_all(vol1)
    paged, _ = pull_all(vol1, limit=7)
    assert [(c["kind"], c["id"]) for c in paged] == [(c["kind"], c["id"]) for c in whole]

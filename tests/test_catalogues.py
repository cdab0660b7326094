"""管理 › 目录: coordinators keep the medicine, supplies and products catalogues."""

from __future__ import annotations

import io

from openpyxl import Workbook

from tests.admin_helpers import audit_actions, post_form
from tests.catalogue_helpers import item_ids
from tests.helpers import errors_in
from tests.support import csrf


async def item_row(item_id: str) -> dict:
    from server.catalogues.tables import CatalogueItem

    return await CatalogueItem.select().where(CatalogueItem.id == int(item_id)).first()


def test_a_coordinator_adds_an_item_and_it_is_audited(as_user, db):
    coord = as_user("coord")
    data = {"name": " 氨氯地平片 ", "specification": "5mg×28片", "unit": "盒"}
    response = post_form(coord, "/admin/catalogues/medicine", data)
    assert response.status_code == 303
    item = db(item_ids, "medicine")["氨氯地平片"]
    row = db(item_row, item)
    assert (row["specification"], row["unit"], row["retired"]) == ("5mg×28片", "盒", False)
    assert db(audit_actions, "catalogue_item", item) == ["catalogue_item.create"]
    assert "氨氯地平片" in coord.get("/admin/catalogues/medicine").text


def test_the_same_name_and_specification_twice_is_refused_in_chinese(as_user, db):
    coord = as_user("coord")
    data = {"name": "写字本", "specification": ""}
    response = post_form(coord, "/admin/catalogues/supplies", data)
    assert response.status_code == 422
    assert "该目录已有同名同规格的条目。" in errors_in(response.text)


def test_an_item_without_a_name_is_refused(as_user):
    response = post_form(as_user("coord"), "/admin/catalogues/products", {"name": "  "})
    assert response.status_code == 422
    assert "请填写名称。" in errors_in(response.text)


def test_renaming_an_item_keeps_its_id_and_is_audited(as_user, db):
    coord = as_user("coord")
    candy = db(item_ids, "supplies")["糖果"]
    data = {"name": "水果糖", "specification": "500g", "unit": "袋"}
    assert post_form(coord, f"/admin/catalogues/supplies/{candy}", data).status_code == 303
    assert db(item_row, candy)["name"] == "水果糖"
    assert db(audit_actions, "catalogue_item", candy) == [
        "catalogue_item.create",
        "catalogue_item.rename",
    ]


def test_a_retired_item_is_marked_and_can_be_offered_again(as_user, db):
    coord = as_user("coord")
    candy = db(item_ids, "supplies")["糖果"]
    post_form(coord, f"/admin/catalogues/supplies/{candy}/retire")
    assert db(item_row, candy)["retired"] is True
    page = coord.get(f"/admin/catalogues/supplies/{candy}").text
    assert "重新提供" in page
    post_form(coord, f"/admin/catalogues/supplies/{candy}/restore")
    assert db(item_row, candy)["retired"] is False
    assert db(audit_actions, "catalogue_item", candy)[1:] == [
        "catalogue_item.retire",
        "catalogue_item.restore",
    ]


def test_a_volunteer_cannot_reach_the_catalogues(vol1, db):
    candy = db(item_ids, "supplies")["糖果"]
    assert vol1.get("/admin/catalogues").status_code == 404
    assert post_form(vol1, f"/admin/catalogues/supplies/{candy}/retire").status_code == 404
    assert db(item_row, candy)["retired"] is False


def test_an_unknown_catalogue_or_an_item_of_another_is_not_found(as_user, db):
    coord = as_user("coord")
    tea = db(item_ids, "products")["绿茶"]
    assert coord.get("/admin/catalogues/weapons").status_code == 404
    assert coord.get(f"/admin/catalogues/medicine/{tea}").status_code == 404


def upload(client, catalogue: str, name: str, data: bytes):
    return client.post(
        f"/admin/catalogues/{catalogue}/import",
        data={"_csrf_token": csrf(client)},
        files={"file": (name, data)},
    )


def test_importing_a_csv_adds_new_items_and_lists_each_bad_row(as_user, db):
    coord = as_user("coord")
    text = "名称,规格,单位\n蜂蜜,,斤\n木耳,干货,斤\n,500g,袋\n" + "茶" * 65 + ",,斤\n"
    response = upload(coord, "products", "products.csv", text.encode("utf-8-sig"))
    assert response.status_code == 200
    assert "新增 1 项，1 项已在目录中。" in response.text
    assert "第 4 行：名称为空。" in response.text
    assert "第 5 行：名称太长（最多 64 个字）。" in response.text
    assert "木耳" in db(item_ids, "products")
    assert len(db(item_ids, "products")) == 7


def test_importing_an_xlsx_with_english_headers_adds_its_items(as_user, db):
    book = Workbook()
    book.active.append(["name", "specification", "unit"])
    book.active.append(["手套", "棉线", "双"])
    out = io.BytesIO()
    book.save(out)
    response = upload(as_user("coord"), "supplies", "supplies.xlsx", out.getvalue())
    assert response.status_code == 200
    assert "手套" in db(item_ids, "supplies")


def test_a_file_without_a_name_column_is_refused_whole(as_user, db):
    response = upload(as_user("coord"), "medicine", "m.csv", "规格,单位\n5mg,盒\n".encode())
    assert response.status_code == 422
    assert "文件中没有“名称”一列。" in errors_in(response.text)
    assert len(db(item_ids, "medicine")) == 5


def test_the_template_has_the_columns_the_import_reads(as_user):
    coord = as_user("coord")
    response = coord.get("/admin/catalogues/medicine/template.csv")
    assert response.content.decode("utf-8-sig").strip() == "名称,规格,单位"
    assert coord.get("/admin/catalogues/medicine/template.xlsx").status_code == 200

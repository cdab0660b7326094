"""Corrections (``correction``, DESIGN §3.2): only the latest entry of a chain counts, a
voided one nothing; only the author corrects, a coordinator voids in their areas; the order
of arrival does not change the end state; pull follows."""

from __future__ import annotations

import re

from tests.builders import correction_entry, push_results, visit_entry
from tests.helpers import household_ids_of
from tests.pull_helpers import of_kind, pull_all
from tests.support import DEMO_PASSWORD

SAVED_AT = "2026-11-20T10:00:00+08:00"
LATER = "2026-11-20T12:00:00+08:00"


def visit_data(household: int, note: str, level: str = "urgent") -> dict:
    """A visit's data with one health need."""
    return {
        "household_id": str(household),
        "visited_at": SAVED_AT,
        "needs": {"health": {"level": level, "note": note}},
    }


def visit(household: int, note: str) -> dict:
    return {**visit_entry(household, SAVED_AT), "data": visit_data(household, note)}


def latest_needs(client, household: int) -> str:
    """The household page's "needs at the last visit" section, as text."""
    page = client.get(f"/households/{household}").text
    section = page.split('id="needs-title"', 1)[1].split("</section>", 1)[0]
    return re.sub(r"<[^>]+>", " ", section)


def history_rows(client, household: int) -> list[str]:
    """The rows of the household page's visit history."""
    page = client.get(f"/households/{household}").text
    history = page.split('id="visit-history"', 1)[1].split("</ol>", 1)[0]
    return ['<li class="row visit' + r for r in history.split('<li class="row visit')[1:]]


def accepted(results: list[dict]) -> None:
    assert [r["status"] for r in results] == ["accepted"] * len(results), results


def test_a_correction_replaces_the_household_s_latest_needs(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "降压药快吃完了")
    accepted(push_results(vol1, [original]))
    fix = correction_entry(original["id"], visit_data(household, "胰岛素快用完了"), "记错了", LATER)
    accepted(push_results(vol1, [fix]))
    needs = latest_needs(vol1, household)
    assert "胰岛素快用完了" in needs and "降压药快吃完了" not in needs


def test_the_household_history_lists_a_corrected_visit_once_with_its_latest_values(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "第一次记录")
    accepted(push_results(vol1, [original]))
    accepted(
        push_results(vol1, [correction_entry(original["id"], visit_data(household, "改正后"))])
    )
    rows = [r for r in history_rows(vol1, household) if "改正后" in r or "第一次记录" in r]
    assert len(rows) == 1 and "改正后" in rows[0]


def test_after_a_chain_of_two_only_the_last_values_count(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "一")
    first = correction_entry(original["id"], visit_data(household, "二"))
    # The second names the original: the server applies it to the latest of the chain.
    second = correction_entry(original["id"], visit_data(household, "三号"))
    accepted(push_results(vol1, [original]))
    accepted(push_results(vol1, [first]))
    accepted(push_results(vol1, [second]))
    needs = latest_needs(vol1, household)
    assert "三号" in needs
    rows = [r for r in history_rows(vol1, household) if re.search("[一二]|三号", r)]
    assert len(rows) == 1


def test_a_voided_visit_counts_nothing_and_is_shown_struck_through(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    before = visit(household, "更早的需求")
    original = {**visit(household, "走错了户"), "recorded_at": LATER}
    original["data"]["visited_at"] = LATER
    accepted(push_results(vol1, [before, original]))
    accepted(push_results(vol1, [correction_entry(original["id"], None, "走错了户")]))
    assert "更早的需求" in latest_needs(vol1, household)
    [row] = [r for r in history_rows(vol1, household) if "走错了户" in r]
    # Struck through and said in words: never by colour alone.
    assert 'class="row visit voided"' in row and "已作废" in row


def test_a_void_needs_a_reason(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "x")
    accepted(push_results(vol1, [original]))
    [result] = push_results(vol1, [correction_entry(original["id"], None)])
    assert (result["status"], result["code"]) == ("rejected", "reason_required")


def test_new_values_are_checked_by_the_corrected_entry_s_kind(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "x")
    accepted(push_results(vol1, [original]))
    bad = visit_data(household, "")  # urgent with no note
    [result] = push_results(vol1, [correction_entry(original["id"], bad)])
    assert (result["status"], result["code"]) == ("rejected", "note_required")
    assert "x" in latest_needs(vol1, household)


def test_a_volunteer_cannot_correct_someone_else_s_entry(vol1, as_user, db):
    from tests.pull_helpers import pair

    household = db(household_ids_of, "vol1")[0]
    db(pair, "vol2", household)
    original = visit(household, "张的记录")
    accepted(push_results(vol1, [original]))
    vol2 = as_user("vol2")
    for data, reason in ((visit_data(household, "李改的"), ""), (None, "不对")):
        [result] = push_results(vol2, [correction_entry(original["id"], data, reason)])
        assert (result["status"], result["code"]) == ("rejected", "correction_not_own")
    assert "张的记录" in latest_needs(vol1, household)


async def audit_rows(action: str) -> list[dict]:
    from server.audit.tables import AuditLog

    return await AuditLog.select().where(AuditLog.action == action)


def test_a_coordinator_voids_an_entry_in_their_area_and_it_is_audited(vol1, as_user, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "重复录入")
    accepted(push_results(vol1, [original]))
    coord = as_user("coord")
    accepted(push_results(coord, [correction_entry(original["id"], None, "重复录入")]))
    assert "重复录入" not in latest_needs(vol1, household)
    [row] = db(audit_rows, "entry.void")
    assert row["row_id"] == original["id"] and '"voided": true' in row["after"]


def test_a_coordinator_cannot_replace_a_volunteer_s_values(vol1, as_user, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "原样")
    accepted(push_results(vol1, [original]))
    [result] = push_results(
        as_user("coord"), [correction_entry(original["id"], visit_data(household, "改"))]
    )
    assert (result["status"], result["code"]) == ("rejected", "correction_not_own")


def test_a_coordinator_of_another_area_cannot_void(vol1, as_user, db):
    from server.accounts import service as accounts

    async def coordinator_elsewhere():
        [fang] = await accounts.area_ids_by_name(["房县"])
        await accounts.create_account(
            "coord_fx",
            DEMO_PASSWORD,
            display_name="房县工作人员",
            role="coordinator",
            area_ids=(fang,),
        )

    db(coordinator_elsewhere)
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "郧阳的")
    accepted(push_results(vol1, [original]))
    [result] = push_results(as_user("coord_fx"), [correction_entry(original["id"], None, "x")])
    assert (result["status"], result["code"]) == ("rejected", "correction_out_of_area")
    assert "郧阳的" in latest_needs(vol1, household)


def _end_state(vol1, household: int) -> tuple[str, list[str]]:
    """The latest needs and the history rows of the visit, whichever order it came in."""
    rows = [
        re.sub(r"\s+", " ", re.sub(r'data-entry="[^"]+"', "", r))
        for r in history_rows(vol1, household)
    ]
    return latest_needs(vol1, household), rows


def test_a_correction_arriving_before_its_entry_ends_the_same(vol1, as_user, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "原来的")
    fix = correction_entry(original["id"], visit_data(household, "改过的"), "", LATER)
    accepted(push_results(vol1, [fix], device_id="phone-2"))
    accepted(push_results(vol1, [original], device_id="phone-1"))
    needs, rows = _end_state(vol1, household)
    assert "改过的" in needs and len(rows) == 1 and "改过的" in rows[0]


def test_in_order_the_same_correction_ends_the_same(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "原来的")
    fix = correction_entry(original["id"], visit_data(household, "改过的"), "", LATER)
    accepted(push_results(vol1, [original], device_id="phone-1"))
    accepted(push_results(vol1, [fix], device_id="phone-2"))
    needs, rows = _end_state(vol1, household)
    assert "改过的" in needs and len(rows) == 1 and "改过的" in rows[0]


def test_a_void_arriving_before_its_entry_still_voids_it(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "作废的")
    accepted(push_results(vol1, [correction_entry(original["id"], None, "走错", LATER)]))
    accepted(push_results(vol1, [original]))
    assert "作废的" not in latest_needs(vol1, household)
    [row] = [r for r in history_rows(vol1, household) if "作废的" in r]
    assert 'class="row visit voided"' in row


def test_an_entry_and_its_correction_in_one_batch(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "同批原")
    fix = correction_entry(original["id"], visit_data(household, "同批改"))
    accepted(push_results(vol1, [original, fix]))
    assert "同批改" in latest_needs(vol1, household)


def test_a_resent_correction_is_a_duplicate(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "x")
    void = correction_entry(original["id"], None, "重复")
    accepted(push_results(vol1, [original, void]))
    [again] = push_results(vol1, [void])
    assert again["status"] == "duplicate"


def test_pull_after_a_correction_drops_the_old_visit_and_carries_the_new(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "旧")
    accepted(push_results(vol1, [original]))
    _, cursor = pull_all(vol1)
    fix = correction_entry(original["id"], visit_data(household, "新"))
    accepted(push_results(vol1, [fix]))
    changes, _ = pull_all(vol1, cursor)
    visits = {c["id"]: c for c in of_kind(changes, "visit")}
    assert visits[original["id"]]["deleted"] is True
    assert visits[fix["id"]]["data"]["needs"]["health"]["note"] == "新"
    own = {c["id"]: c for c in of_kind(changes, "entry")}
    assert own[original["id"]]["data"]["superseded_by"] == fix["id"]


def test_pull_after_a_void_marks_the_visit_voided(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "旧")
    accepted(push_results(vol1, [original]))
    _, cursor = pull_all(vol1)
    accepted(push_results(vol1, [correction_entry(original["id"], None, "错")]))
    changes, _ = pull_all(vol1, cursor)
    [pulled] = [c for c in of_kind(changes, "visit") if c["id"] == original["id"]]
    assert pulled["data"]["voided"] is True and pulled["deleted"] is False


def test_a_full_pull_carries_only_the_latest_of_a_chain(vol1, db):
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "旧")
    fix = correction_entry(original["id"], visit_data(household, "新"))
    accepted(push_results(vol1, [original, fix]))
    changes, _ = pull_all(vol1)
    ids = {c["id"] for c in of_kind(changes, "visit")}
    assert fix["id"] in ids and original["id"] not in ids


def _refused_before_its_entry(vol1, db) -> tuple[dict, dict]:
    """A correction sent first whose new values the visit's checks refuse (an urgent need
    without a note), then the visit it corrects."""
    household = db(household_ids_of, "vol1")[0]
    original = visit(household, "原来的")
    fix = correction_entry(original["id"], visit_data(household, ""), "", LATER)
    accepted(push_results(vol1, [fix], device_id="phone-2"))
    accepted(push_results(vol1, [original], device_id="phone-1"))
    return original, fix


def test_a_held_correction_refused_when_its_entry_arrives_is_flagged_to_the_volunteer(vol1, db):
    original, _ = _refused_before_its_entry(vol1, db)
    assert "原来的" in latest_needs(vol1, original["data"]["household_id"])
    page = vol1.get("/me").text
    row = page.split(f'data-entry="{original["id"]}"', 1)[1].split("</li>", 1)[0]
    assert "更正未生效" in row and "请重新更正" in row


def test_the_refused_correction_is_flagged_and_its_phone_pulls_the_flag(vol1, db):
    from server.entries.tables import Entry

    _, fix = _refused_before_its_entry(vol1, db)

    async def flag():
        row = await Entry.select(Entry.flag).where(Entry.id == fix["id"]).first()
        return row["flag"]

    assert db(flag) == "correction_refused"
    changes, _ = pull_all(vol1)
    [pulled] = [c for c in of_kind(changes, "entry") if c["id"] == fix["id"]]
    assert pulled["data"]["flag"] == "correction_refused"

"""A small hand-made place for the coordinator review tests, beside the demo's.

A new village 试点村 under 郧阳区's 大柳乡 (coord's area) with a few households paired
with vol2, a second coordinator for 房县 (who must see nothing of it), and visits
pushed through the app at times relative to now.
"""

from __future__ import annotations

import datetime as dt
import re

from tests.builders import push_results, visit_entry
from tests.support import DEMO_PASSWORD

VILLAGE = "试点村"
NOW = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(microsecond=0)


def days_ago(days: float) -> str:
    """An RFC 3339 time ``days`` before now (China time)."""
    return (NOW - dt.timedelta(days=days)).isoformat()


async def small_village(households: int = 4) -> dict:
    """The village, its households (paired with vol2) and the 房县 coordinator; ids."""
    from server.accounts import service as accounts
    from server.areas.tables import Area
    from server.households.tables import Household
    from server.pairings import pairing
    from tests.admin_helpers import account_id

    township = await Area.select(Area.id, Area.path).where(Area.name == "大柳乡").first()
    [row] = await Area.insert(
        Area(name=VILLAGE, level="village", parent=township["id"], path="")
    ).returning(Area.id)
    village = row["id"]
    await Area.update({Area.path: f"{township['path']}{village}/"}).where(Area.id == village)
    ids = []
    for n in range(households):
        [made] = await Household.insert(
            Household(code=f"SD{n:03d}", head_name=f"试点户{n}", village=village)
        ).returning(Household.id)
        ids.append(made["id"])
    vol2 = await account_id("vol2")
    await pairing.pair_many(None, vol2, ids)
    fang = (await accounts.area_ids_by_name(["房县"]))[0]
    await accounts.create_account(
        "coord_fx", DEMO_PASSWORD, display_name="房县工作人员", role="coordinator", area_ids=(fang,)
    )
    return {"village": village, "households": ids, "vol2": vol2}


def visit(client, household: int, days: float, **needs: str) -> dict:
    """Push one visit ``days`` ago; ``needs``: area=level (urgent gets a note)."""
    when = days_ago(days)
    data: dict = {"visited_at": when, "needs": {}}
    for area, level in needs.items():
        if area == "follow_up":
            data["follow_up"], data["follow_up_note"] = True, level
        else:
            data["needs"][area] = {"level": level, "note": f"{area} {level}"}
    entry = visit_entry(household, recorded_at=NOW.isoformat(), **data)
    [result] = push_results(client, [entry])
    assert result["status"] == "accepted", result
    return entry


def ids_in(html: str, attribute: str) -> list[int]:
    """The ids a page lists in ``data-<attribute>`` attributes, in order."""
    return [int(i) for i in re.findall(rf'data-{attribute}="(\d+)"', html)]

"""结对帮扶 for coordinators: who is paired with which household, and pairing in bulk.

Every pairing goes through ``pairing.pair_many`` / ``pairing.unpair_many``, which
write the audit rows and the change log (so phones see it at their next pull).
Permission checks are here: households, villages and volunteers within reach.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from server import scope
from server.accounts import management
from server.accounts.tables import Account
from server.actor import Actor
from server.areas import service as areas
from server.areas.service import NotFound, Refused
from server.db import write_transaction
from server.households.tables import Household
from server.i18n import N_
from server.pairings import pairing
from server.pairings.tables import Pairing
from server.scope import covers

MESSAGES = {
    "no_volunteers": N_("This team has no active volunteers."),
    "not_a_volunteer": N_("Only volunteers and team leaders can be paired with households."),
}


async def volunteers(actor: Actor) -> list[dict[str, Any]]:
    """Active volunteers and leaders within reach."""
    return [
        a
        for a in await management.accounts_within_reach(actor)
        if a["active"] and a["role"] in ("volunteer", "leader")
    ]


async def volunteer(actor: Actor, account_id: int | None) -> dict[str, Any]:
    """An active volunteer within reach, else NotFound / Refused."""
    if account_id is None:
        raise NotFound
    row = await management.account(actor, account_id)
    if not row["active"] or row["role"] not in ("volunteer", "leader"):
        raise Refused("not_a_volunteer")
    return row


async def _pairings(household_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    paired: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for start in range(0, len(household_ids), 1000):
        rows = await Pairing.select(
            Pairing.household, Pairing.volunteer, Pairing.volunteer.display_name
        ).where(
            Pairing.household.is_in(household_ids[start : start + 1000])
            & Pairing.ended_at.is_null()
        )
        for r in rows:
            paired[r["household"]].append(
                {"id": r["volunteer"], "name": r["volunteer.display_name"]}
            )
    return paired


async def _with_pairings(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    paired = await _pairings([r["id"] for r in rows])
    return [{**r, "volunteers": paired.get(r["id"], [])} for r in rows]


async def village_households(actor: Actor, village_id: int) -> list[dict[str, Any]]:
    """A village's households with the volunteers paired with each now."""
    await areas.area(actor, village_id)
    rows = (
        await Household.select(Household.id, Household.code, Household.head_name)
        .where(Household.village == village_id)
        .order_by(Household.code)
    )
    return await _with_pairings(rows)


async def volunteer_households(actor: Actor, account_id: int) -> list[dict[str, Any]]:
    """The households in ``actor``'s areas paired with a volunteer within reach now
    (those elsewhere are not ``actor``'s to see)."""
    await management.account(actor, account_id)
    ids = await scope.paired_household_ids(account_id)
    select = Household.select(
        Household.id, Household.code, Household.head_name, Household.village.name
    ).where(Household.id.is_in(ids or [-1]))
    visible = await scope.households(actor)
    if visible is not None:
        select = select.where(visible)
    return await _with_pairings(await select.order_by(Household.code))


async def _household_within_reach(actor: Actor, household_id: int | None) -> int:
    if household_id is None:
        raise NotFound
    row = await Household.select(Household.village.path).where(Household.id == household_id).first()
    if row is None or not covers(actor, row["village.path"]):
        raise NotFound
    return household_id


async def pair(actor: Actor, volunteer_id: int | None, household_id: int | None) -> int:
    """Pair one household with one volunteer; returns 1 when it is new, else 0."""
    household_id = await _household_within_reach(actor, household_id)
    account = await volunteer(actor, volunteer_id)
    return int(await pairing.pair(actor.id, account["id"], household_id))


async def unpair(actor: Actor, volunteer_id: int | None, household_id: int | None) -> int:
    """End one pairing; returns 1 when there was one."""
    household_id = await _household_within_reach(actor, household_id)
    if volunteer_id is None:
        raise NotFound
    await management.account(actor, volunteer_id)
    return int(await pairing.unpair(actor.id, volunteer_id, household_id))


async def pair_village(actor: Actor, village_id: int | None, volunteer_id: int | None) -> int:
    """Pair every household of a village with one volunteer; returns how many were new."""
    if village_id is None:
        raise NotFound
    households = await village_households(actor, village_id)
    account = await volunteer(actor, volunteer_id)
    return len(await pairing.pair_many(actor.id, account["id"], [h["id"] for h in households]))


async def spread_village(actor: Actor, village_id: int | None, team_id: int | None) -> int:
    """Share a village's households that nobody is paired with among a team, in turn.

    Households go by code to the team's active volunteers by name, round-robin,
    all in one transaction; returns how many were paired.
    """
    if village_id is None or team_id is None:
        raise NotFound
    households = await village_households(actor, village_id)
    await areas.team(actor, team_id)
    members = await management.volunteers_of_team(team_id)
    if not members:
        raise Refused("no_volunteers")
    unpaired = [h["id"] for h in households if not h["volunteers"]]
    shares: dict[int, list[int]] = defaultdict(list)
    for index, household_id in enumerate(unpaired):
        shares[members[index % len(members)]["id"]].append(household_id)
    paired = 0
    async with write_transaction():
        for volunteer_id, household_ids in shares.items():
            paired += len(await pairing.pair_many(actor.id, volunteer_id, household_ids))
    return paired


async def team_names(actor: Actor) -> list[dict[str, Any]]:
    """Teams within reach that are in use."""
    return [t for t in await areas.teams(actor) if not t["retired"]]


async def display_name(account_id: int) -> str:
    """An account's name (for headings)."""
    row = await Account.select(Account.display_name).where(Account.id == account_id).first()
    return row["display_name"] if row else ""

"""Counties, townships, villages and teams: adding, renaming, retiring, within one's areas.

Every change writes its audit row in the same transaction. Permission checks
are here too (a coordinator acts only within their areas, an admin anywhere),
so a controller cannot forget them; "not yours" reads as "not found".
"""

from __future__ import annotations

from typing import Any

from server import scope
from server.accounts.tables import Account
from server.actor import Actor
from server.areas.tables import Area, Team
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_
from server.scope import covers

LEVELS = ("county", "township", "village")
CHILD_LEVEL = {None: "county", "county": "township", "township": "village"}
MESSAGES = {
    "name_missing": N_("Enter a name."),
    "name_too_long": N_("The name is too long (at most 100 characters)."),
    "name_taken": N_("That name is already used here."),
    "no_children": N_("Villages have no areas under them."),
    "own_area": N_("You cannot retire the area you look after; ask an administrator."),
    "area_retired": N_("This area is retired."),
}
"""Why a change was refused, by code."""


class Refused(Exception):
    """A change that breaks a rule; ``code`` is a key of a ``MESSAGES`` dict."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class NotFound(Exception):
    """No such thing within the actor's reach."""


def clean_name(name: str) -> str:
    """A trimmed name, or Refused when it is empty or too long."""
    name = " ".join(name.split())
    if not name:
        raise Refused("name_missing")
    if len(name) > 100:
        raise Refused("name_too_long")
    return name


async def areas(actor: Actor) -> list[dict[str, Any]]:
    """Every area within the actor's reach, in tree order, with its ``depth``."""
    rows = await Area.select().order_by(Area.path)
    result = [r for r in rows if covers(actor, r["path"])]
    names = {r["id"]: r["name"] for r in rows}
    for row in result:
        ids = [int(p) for p in row["path"].strip("/").split("/") if p]
        row["depth"] = len(ids) - 1
        row["place"] = " / ".join(names[i] for i in ids if i in names)
    return sorted(result, key=lambda r: [names.get(int(p), "") for p in r["path"].split("/") if p])


async def area(actor: Actor, area_id: int) -> dict[str, Any]:
    """One area within reach, else NotFound."""
    row = await Area.select().where(Area.id == area_id).first()
    if row is None or not covers(actor, row["path"]):
        raise NotFound
    return row


async def villages(actor: Actor) -> list[dict[str, Any]]:
    """The villages within reach that are in use (not retired)."""
    return [a for a in await areas(actor) if a["level"] == "village" and not a["retired"]]


async def _sibling_named(parent_id: int | None, name: str, exclude: int | None = None) -> bool:
    query = Area.exists().where((Area.name == name) & (Area.retired == False))  # noqa: E712
    query = query.where(Area.parent.is_null() if parent_id is None else Area.parent == parent_id)
    if exclude is not None:
        query = query.where(Area.id != exclude)
    return await query


async def add_area(actor: Actor, parent_id: int | None, name: str) -> int:
    """Add an area under ``parent_id`` (a county at the top: admins only); returns its id."""
    name = clean_name(name)
    if parent_id is None:
        if not actor.is_admin:
            raise NotFound
        parent_path, level = "/", "county"
    else:
        parent = await area(actor, parent_id)
        if parent["level"] == "village":
            raise Refused("no_children")
        if parent["retired"]:
            raise Refused("area_retired")
        parent_path, level = parent["path"], CHILD_LEVEL[parent["level"]]
    async with write_transaction():
        if await _sibling_named(parent_id, name):
            raise Refused("name_taken")
        rows = await Area.insert(Area(name=name, level=level, parent=parent_id, path="")).returning(
            Area.id
        )
        area_id = rows[0]["id"]
        path = f"{parent_path}{area_id}/"
        await Area.update({Area.path: path}).where(Area.id == area_id)
        await audit.record(
            actor.id, "area.create", "area", area_id, after={"name": name, "path": path}
        )
    return area_id


async def rename_area(actor: Actor, area_id: int, name: str) -> None:
    """Give an area a new name (households and history follow: they refer to its id)."""
    name = clean_name(name)
    row = await area(actor, area_id)
    if row["name"] == name:
        return
    async with write_transaction():
        if await _sibling_named(row["parent"], name, exclude=area_id):
            raise Refused("name_taken")
        await Area.update({Area.name: name}).where(Area.id == area_id)
        await audit.record(
            actor.id, "area.rename", "area", area_id, {"name": row["name"]}, {"name": name}
        )


async def set_area_retired(actor: Actor, area_id: int, retired: bool) -> None:
    """Retire (or bring back) an area and everything under it; nothing is deleted."""
    row = await area(actor, area_id)
    if not actor.is_admin and scope.is_own_area(actor, row["path"]):
        raise Refused("own_area")
    async with write_transaction():
        changed = (
            await Area.update({Area.retired: retired})
            .where(scope.under(Area.path, row["path"]) & (Area.retired != retired))
            .returning(Area.id)
        )
        action = "area.retire" if retired else "area.restore"
        for changed_row in changed:
            await audit.record(
                actor.id,
                action,
                "area",
                changed_row["id"],
                {"retired": not retired},
                {"retired": retired},
            )


# --- teams ------------------------------------------------------------------------


async def teams(actor: Actor) -> list[dict[str, Any]]:
    """Teams within reach (a team belongs to an area), with their area's name."""
    rows = await Team.select(Team.all_columns(), Team.area.name, Team.area.path).order_by(Team.name)
    return [r for r in rows if covers(actor, r["area.path"])]


async def team(actor: Actor, team_id: int) -> dict[str, Any]:
    """One team within reach, else NotFound."""
    row = (
        await Team.select(Team.all_columns(), Team.area.name, Team.area.path)
        .where(Team.id == team_id)
        .first()
    )
    if row is None or not covers(actor, row["area.path"]):
        raise NotFound
    return row


async def team_members(team_id: int) -> list[dict[str, Any]]:
    """The accounts of a team, active ones first."""
    return (
        await Account.select(
            Account.id, Account.username, Account.display_name, Account.role, Account.active
        )
        .where(Account.team == team_id)
        .order_by(Account.active, ascending=False)
        .order_by(Account.display_name)
    )


async def _team_named(name: str, exclude: int | None = None) -> bool:
    query = Team.exists().where(Team.name == name)
    if exclude is not None:
        query = query.where(Team.id != exclude)
    return await query


async def add_team(actor: Actor, name: str, area_id: int) -> int:
    """Add a team working in ``area_id``; returns its id."""
    name = clean_name(name)
    place = await area(actor, area_id)
    if place["retired"]:
        raise Refused("area_retired")
    async with write_transaction():
        if await _team_named(name):
            raise Refused("name_taken")
        rows = await Team.insert(Team(name=name, area=area_id)).returning(Team.id)
        team_id = rows[0]["id"]
        await audit.record(
            actor.id, "team.create", "team", team_id, after={"name": name, "area": area_id}
        )
    return team_id


async def rename_team(actor: Actor, team_id: int, name: str) -> None:
    """Give a team a new name."""
    name = clean_name(name)
    row = await team(actor, team_id)
    if row["name"] == name:
        return
    async with write_transaction():
        if await _team_named(name, exclude=team_id):
            raise Refused("name_taken")
        await Team.update({Team.name: name}).where(Team.id == team_id)
        await audit.record(
            actor.id, "team.rename", "team", team_id, {"name": row["name"]}, {"name": name}
        )


async def set_team_retired(actor: Actor, team_id: int, retired: bool) -> None:
    """Retire (or bring back) a team; its members keep their accounts."""
    row = await team(actor, team_id)
    if row["retired"] == retired:
        return
    async with write_transaction():
        await Team.update({Team.retired: retired}).where(Team.id == team_id)
        await audit.record(
            actor.id,
            "team.retire" if retired else "team.restore",
            "team",
            team_id,
            {"retired": row["retired"]},
            {"retired": retired},
        )

"""Coordinators managing accounts: creating volunteers, resetting passwords, deactivating.

Which accounts a coordinator looks after, and who may hand an account over, is the
scope rule's (``server/scope.py``). "Not within reach" reads as NotFound, like an
unknown id.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from server import phones, scope
from server.accounts import service as accounts
from server.accounts.tables import ROLES, Account, AuthSession, DevicePin, JoinToken
from server.actor import Actor
from server.areas import service as areas
from server.areas.service import NotFound, Refused
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_

USERNAME = re.compile(r"^[\w.-]{2,64}$")
MIN_PASSWORD = 8
MESSAGES = {
    "username_invalid": N_(
        "A user name has 2 to 64 letters, digits, dots, dashes or underscores, without spaces."
    ),
    "username_taken": N_("That user name is taken."),
    "display_name_missing": N_("Enter the person's name."),
    "password_short": N_("A password has at least 8 characters."),
    "team_missing": N_("Choose a team."),
    "area_missing": N_("Choose the area the coordinator looks after."),
    "role_invalid": N_("Choose a role."),
    "self": N_("You cannot do that to your own account."),
    "phone_invalid": phones.MESSAGE,
    "hand_over_admin": N_(
        "This account is also paired with households outside your areas: "
        "only an administrator can reset its password or show its join code."
    ),
}
"""Why an account change was refused, by code."""


def _account_query():
    return Account.select(
        Account.id,
        Account.username,
        Account.display_name,
        Account.role,
        Account.phone,
        Account.active,
        Account.team,
        Account.team.name,
        Account.team.area.path,
        Account.created_at,
        Account.sex,
        Account.birth_date,
        Account.id_number,
    )


async def accounts_within_reach(actor: Actor) -> list[dict[str, Any]]:
    """Accounts the actor looks after, by team then name."""
    select = _account_query()
    looked_after = scope.accounts(actor)
    if looked_after is not None:
        select = select.where(looked_after)
    return await select.order_by(Account.team.name).order_by(Account.display_name)


async def account(actor: Actor, account_id: int) -> dict[str, Any]:
    """One account within reach, else NotFound."""
    row = await _account_query().where(Account.id == account_id).first()
    if row is None or not scope.looks_after(actor, row):
        raise NotFound
    return row


async def account_to_hand_over(actor: Actor, account_id: int) -> dict[str, Any]:
    """An account ``actor`` may hand over (password, join QR): NotFound when it is not
    within reach, Refused ``hand_over_admin`` when it sees beyond ``actor``'s areas."""
    row = await account(actor, account_id)
    if not await scope.may_hand_over(actor, row):
        raise Refused("hand_over_admin")
    return row


async def volunteers_of_team(team_id: int) -> list[dict[str, Any]]:
    """Active volunteers and leaders of a team, by name (for pairing)."""
    return (
        await Account.select(Account.id, Account.display_name)
        .where(
            (Account.team == team_id)
            & Account.role.is_in(["volunteer", "leader"])
            & (Account.active == True)  # noqa: E712
        )
        .order_by(Account.display_name)
        .order_by(Account.id)
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused("password_short")


def _clean_phone(phone: str) -> str:
    phone = phones.normal(phone)
    if phone and not phones.valid(phone):
        raise Refused("phone_invalid")
    return phone


async def create(
    actor: Actor,
    *,
    username: str,
    display_name: str,
    team_id: int | None,
    role: str = "volunteer",
    phone: str = "",
    password: str = "",
    area_id: int | None = None,
) -> int:
    """Create an account within reach; returns its id.

    Coordinators create volunteers and leaders in their teams; admins may also
    create coordinators (with their area) and admins. Without a password the
    account logs in through a QR code from its coordinator (and then a PIN).
    """
    username = username.strip()
    display_name = " ".join(display_name.split())
    if not USERNAME.fullmatch(username):
        raise Refused("username_invalid")
    if not display_name or len(display_name) > 100:
        raise Refused("display_name_missing")
    allowed = ROLES if actor.is_admin else ("volunteer", "leader")
    if role not in allowed:
        raise Refused("role_invalid")
    phone = _clean_phone(phone)
    if password:
        _check_password(password)
    area_ids: tuple[int, ...] = ()
    if role in ("volunteer", "leader"):
        if team_id is None:
            raise Refused("team_missing")
        team = await areas.team(actor, team_id)
        if team["retired"]:
            raise Refused("team_missing")
    elif role == "coordinator":
        if area_id is None:
            raise Refused("area_missing")
        area_ids = ((await areas.area(actor, area_id))["id"],)
        team_id = None
    async with write_transaction():
        if await Account.exists().where(Account.username == username):
            raise Refused("username_taken")
        account_id = await accounts.create_account(
            username,
            password or secrets.token_urlsafe(24),
            display_name=display_name,
            role=role,
            team_id=team_id,
            area_ids=area_ids,
            actor_id=actor.id,
        )
        if phone:
            await Account.update({Account.phone: phone}).where(Account.id == account_id)
    return account_id


async def reset_password(actor: Actor, account_id: int, password: str) -> None:
    """Give an account within reach a new password (the person changes it later)."""
    await account_to_hand_over(actor, account_id)
    _check_password(password)
    await accounts.set_password(account_id, password, actor.id)


async def set_leader(actor: Actor, account_id: int, leader: bool) -> None:
    """Make a volunteer a team leader (队长), who may check in team members, or undo it."""
    row = await account(actor, account_id)
    if row["role"] not in ("volunteer", "leader"):
        raise Refused("role_invalid")
    role = "leader" if leader else "volunteer"
    if row["role"] == role:
        return
    async with write_transaction():
        await Account.update({Account.role: role}).where(Account.id == account_id)
        await audit.record(
            actor.id, "account.role", "account", account_id, {"role": row["role"]}, {"role": role}
        )


async def deactivate(actor: Actor, account_id: int) -> int:
    """Stop an account at once: every session, PIN and QR code of it ends; returns sessions ended.

    Nothing it recorded is deleted, and its phone keeps what is still waiting
    there (it can be exported from the sync page and imported by a coordinator).
    """
    row = await account(actor, account_id)
    if account_id == actor.id:
        raise Refused("self")
    async with write_transaction():
        await Account.update({Account.active: False}).where(Account.id == account_id)
        ended = (
            await AuthSession.delete()
            .where(AuthSession.account == account_id)
            .returning(AuthSession.id)
        )
        await DevicePin.delete().where(DevicePin.account == account_id)
        await JoinToken.delete().where(
            (JoinToken.account == account_id) & JoinToken.used_at.is_null()
        )
        await audit.record(
            actor.id,
            "account.deactivate",
            "account",
            account_id,
            {"active": row["active"]},
            {"active": False, "sessions_ended": len(ended)},
        )
    return len(ended)


async def reactivate(actor: Actor, account_id: int) -> None:
    """Let a deactivated account log in again."""
    row = await account(actor, account_id)
    if row["active"]:
        return
    async with write_transaction():
        await Account.update({Account.active: True}).where(Account.id == account_id)
        await audit.record(
            actor.id,
            "account.reactivate",
            "account",
            account_id,
            {"active": False},
            {"active": True},
        )

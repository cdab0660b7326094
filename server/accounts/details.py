"""What a service record names about a volunteer beyond the account: sex, birth date and
the resident ID number where recorded (《志愿服务记录与证明出具办法（试行）》).

Coordinators set them on the account page. An ID number is personal: pages and the audit
log show it masked; only the service-hours export of a coordinator who looks after the
account carries it whole.
"""

from __future__ import annotations

import datetime as dt
import re

from server.accounts.management import account
from server.accounts.tables import Account
from server.actor import Actor
from server.areas.service import Refused
from server.audit import service as audit
from server.db import write_transaction
from server.i18n import N_

SEXES = {"male": N_("Male"), "female": N_("Female")}
"""Stable codes and their words; empty: not recorded."""
ID_NUMBER = re.compile(r"^(\d{17}[\dX]|\d{15})$")
MESSAGES = {
    "sex_invalid": N_("Choose male or female, or leave it empty."),
    "birth_date_invalid": N_("Give the birth date as a date (YYYY-MM-DD), or leave it empty."),
    "id_number_invalid": N_("An ID number has 18 characters (digits, the last may be X)."),
}
"""Refusals by code."""


def mask(id_number: str) -> str:
    """An ID number as pages show it: the first 4 and last 4 characters."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def _birth_date(value: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Refused("birth_date_invalid") from None
    if not 1900 <= day.year <= dt.date.today().year:
        raise Refused("birth_date_invalid")
    return day


async def set_details(
    actor: Actor, account_id: int, sex: str, birth_date: str, id_number: str | None
) -> None:
    """Record sex, birth date and (unless ``id_number`` is None: kept) the ID number of an
    account ``actor`` looks after; audited with the ID number masked."""
    before = await account(actor, account_id)
    if sex not in ("", *SEXES):
        raise Refused("sex_invalid")
    born = _birth_date(birth_date)
    values: dict = {Account.sex: sex, Account.birth_date: born}
    after = {"sex": sex, "birth_date": born.isoformat() if born else ""}
    if id_number is not None:
        number = id_number.strip().upper()
        if number and not ID_NUMBER.match(number):
            raise Refused("id_number_invalid")
        values[Account.id_number] = number
        after["id_number"] = mask(number)
    async with write_transaction():
        await Account.update(values).where(Account.id == account_id)
        earlier = {
            "sex": before["sex"],
            "birth_date": before["birth_date"].isoformat() if before["birth_date"] else "",
            "id_number": mask(before["id_number"]),
        }
        await audit.record(actor.id, "account.details", "account", account_id, earlier, after)

"""Check-in keys: made by the server when an activity is published, sent by pull to the
phones of the leaders it is for (never to other volunteers)."""

from __future__ import annotations

from server import checkin_code
from server.accounts.tables import Account
from server.attendance.tables import CheckinKey
from server.db import insert_rows


async def ensure(activity_id: int) -> str:
    """The activity's key, made now if it has none (inside the publishing transaction)."""
    await insert_rows(
        CheckinKey,
        [{"activity": activity_id, "secret": checkin_code.new_key()}],
        on_conflict=CheckinKey.activity,
    )
    row = (
        await CheckinKey.select(CheckinKey.secret).where(CheckinKey.activity == activity_id).first()
    )
    assert row is not None
    return row["secret"]


async def leaders(account_ids: set[int]) -> set[int]:
    """Those of ``account_ids`` who are team leaders (an activity's audience is its teams'
    members, so these lead a team it is for)."""
    if not account_ids:
        return set()
    rows = await Account.select(Account.id).where(
        Account.id.is_in(sorted(account_ids)) & (Account.role == "leader")
    )
    return {r["id"] for r in rows}

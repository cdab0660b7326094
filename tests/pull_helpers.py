"""Steps shared by the pull, household patch and conflict tests."""

from __future__ import annotations

from tests.support import ORIGIN


def pull(client, cursor: str = "", limit: int | None = None, device_id: str = "device-1"):
    """One ``GET /api/sync/pull`` as a phone sends it."""
    params = {"cursor": cursor, "device_id": device_id}
    if limit is not None:
        params["limit"] = str(limit)
    return client.get("/api/sync/pull", params=params, headers={"Origin": ORIGIN})


def pull_all(client, cursor: str = "", limit: int | None = None) -> tuple[list[dict], str]:
    """Every page from ``cursor`` on: all changes in order, and the last cursor."""
    changes: list[dict] = []
    for _ in range(10_000):
        response = pull(client, cursor, limit)
        assert response.status_code == 200, response.text
        body = response.json()
        changes += body["changes"]
        cursor = body["cursor"]
        if not body["more"]:
            return changes, cursor
    raise AssertionError("pull never finished")


def of_kind(changes: list[dict], kind: str) -> list[dict]:
    """The changes of one kind."""
    return [c for c in changes if c["kind"] == kind]


async def account_id(username: str) -> int:
    """The id of a demo account."""
    from server.accounts.tables import Account

    row = await Account.select(Account.id).where(Account.username == username).first()
    return row["id"]


async def household_row(household_id: int) -> dict:
    """A household's row as stored."""
    from server.households.tables import Household

    return await Household.select().where(Household.id == household_id).first()


async def pair(username: str, household_id: int) -> bool:
    """Pair a demo volunteer with a household through the service."""
    from server.pairings import pairing

    return await pairing.pair(None, await account_id(username), household_id)


async def unpair(username: str, household_id: int) -> bool:
    """End a demo volunteer's pairing through the service."""
    from server.pairings import pairing

    return await pairing.unpair(None, await account_id(username), household_id)

"""Steps shared by the notice, push and SMS tests."""

from __future__ import annotations

import re

from tests.support import csrf


def send_notice(coordinator, title: str, audience: str = "all", urgent: bool = False, body=""):
    """Send a notice through the coordinators' form; returns the response (303 when sent)."""
    data = {"title": title, "body": body, "audience": audience, "_csrf_token": csrf(coordinator)}
    if urgent:
        data["urgent"] = "on"
    return coordinator.post("/notices", data=data, follow_redirects=False)


def sent_notice_id(coordinator, title: str) -> int:
    """The id of a notice on the coordinator's list, by title."""
    page = coordinator.get("/notices").text
    found = re.search(
        r'data-notice="(\d+)">\s*<p>(?:<span[^>]*>.*?</span> )?<strong>' + re.escape(title),
        page,
        re.S,
    )
    assert found, page
    return int(found.group(1))


def counts_of(coordinator, notice_id: int) -> dict[str, int]:
    """Recipients, delivered and read, as the coordinators' page shows them."""
    page = coordinator.get("/notices").text
    block = page[page.index(f'data-notice="{notice_id}"') :]
    block = block[: block.index("</li>")]
    return {
        name: int(re.search(rf"data-{name}>[^<]*?(\d+)</span>", block).group(1))
        for name in ("recipients", "delivered", "read")
    }


def notice_read_entry(notice_id: int, recorded_at: str = "2026-11-21T08:15:02.441+08:00") -> dict:
    """A ``notice_read`` entry as the phone saves it."""
    import uuid

    return {
        "id": str(uuid.uuid4()),
        "kind": "notice_read",
        "schema": 1,
        "recorded_at": recorded_at,
        "data": {"notice_id": str(notice_id)},
    }


async def notice_to(username: str, title: str = "通知") -> int:
    """A notice in a demo account's inbox (rows as sending one writes them); its id."""
    from server.accounts.tables import Account
    from server.notices.tables import Notice, NoticeRecipient

    account = await Account.select(Account.id).where(Account.username == username).first()
    [row] = await Notice.insert(Notice(title=title, audience="all")).returning(Notice.id)
    await NoticeRecipient.insert(NoticeRecipient(notice=row["id"], account=account["id"]))
    return row["id"]


async def send_as(username: str, title: str, body: str = "") -> int:
    """A notice to everyone ``username`` (a coordinator) looks after, through the service."""
    from server.accounts.service import load_actor
    from server.notices import service
    from tests.pull_helpers import account_id

    actor = await load_actor(await account_id(username))
    return await service.send(actor, service.NewNotice(title, body, False, "all"))


async def read_count(notice_id: int) -> int:
    """How many recipients have read the notice, as the server knows it."""
    from server.notices.tables import NoticeRecipient

    return await NoticeRecipient.count().where(
        (NoticeRecipient.notice == notice_id) & NoticeRecipient.read_at.is_not_null()
    )

"""Notices: sending one to an audience, each inbox, and what the sender sees of it.

A notice lands in every recipient's inbox (a ``NoticeRecipient`` row and a ``notice``
change in their pull), rings their phones (a doorbell each) and, when urgent, goes by
SMS to those who opted in: all in one transaction, so a notice is either sent to all
of them or to none. Read state comes back from the phones as ``notice_read`` entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Count

from server import scope
from server.accounts.tables import Account
from server.actor import Actor, now
from server.audit import service as audit
from server.db import write_transaction
from server.notices.tables import Notice, NoticeRecipient
from server.notify import jobs, sms, triggers
from server.sync import changelog

TITLE_MAX = 100
BODY_MAX = 2000


@dataclass(frozen=True)
class NewNotice:
    """A notice as the coordinator wrote it."""

    title: str
    body: str
    urgent: bool
    audience: str
    """``team``, ``area`` or ``all``."""
    audience_id: int | None = None


class NoAudience(Exception):
    """The coordinator may not address that team or area (or it reaches no one)."""


def pulled(notice: dict[str, Any], author: str, read: bool) -> dict[str, Any]:
    """A notice as a recipient's phone pulls it."""
    created = notice["created_at"]
    return {
        "title": notice["title"],
        "body": notice["body"],
        "urgent": notice["urgent"],
        "sent_at": created.isoformat() if isinstance(created, dt.datetime) else str(created),
        "author": author,
        "read": read,
    }


async def send(actor: Actor, new: NewNotice) -> int:
    """Send a notice; returns its id. Raises ``NoAudience``."""
    found = await scope.notice_recipients(actor, new.audience, new.audience_id)
    if found is None or not found[1]:
        raise NoAudience()
    name, recipients = found
    async with write_transaction():
        [row] = await Notice.insert(
            Notice(
                author=actor.id,
                title=new.title,
                body=new.body,
                urgent=new.urgent,
                audience=new.audience,
                audience_id=new.audience_id,
                audience_name=name,
            )
        ).returning(*Notice.all_columns())
        notice_id = row["id"]
        await NoticeRecipient.insert(
            *[NoticeRecipient(notice=notice_id, account=a) for a in recipients]
        )
        await audit.record(
            actor.id,
            "notice.create",
            "notice",
            notice_id,
            after={
                "title": new.title,
                "urgent": new.urgent,
                "audience": new.audience,
                "audience_id": new.audience_id,
                "recipients": len(recipients),
            },
        )
        data = pulled(row, actor.display_name, read=False)
        await changelog.write(
            [changelog.Change(a, "notice", str(notice_id), data) for a in recipients]
        )
        await triggers.notice_sent(notice_id, recipients, new.urgent)
        if new.urgent:
            await sms.queue(recipients, new.title, f"notice:{notice_id}")
    jobs.wake()
    return notice_id


async def inbox(actor: Actor) -> list[dict[str, Any]]:
    """The actor's notices, newest first."""
    return (
        await NoticeRecipient.select(
            NoticeRecipient.notice.id.as_alias("id"),
            NoticeRecipient.notice.title.as_alias("title"),
            NoticeRecipient.notice.urgent.as_alias("urgent"),
            NoticeRecipient.notice.created_at.as_alias("sent_at"),
            NoticeRecipient.read_at,
        )
        .where(NoticeRecipient.account == actor.id)
        .order_by(NoticeRecipient.notice.created_at, ascending=False)
        .limit(200)
    )


async def notice_for(actor: Actor, notice_id: int) -> dict[str, Any] | None:
    """One notice of the actor's inbox (None: not theirs)."""
    return (
        await NoticeRecipient.select(
            NoticeRecipient.notice.id.as_alias("id"),
            NoticeRecipient.notice.title.as_alias("title"),
            NoticeRecipient.notice.body.as_alias("body"),
            NoticeRecipient.notice.urgent.as_alias("urgent"),
            NoticeRecipient.notice.created_at.as_alias("sent_at"),
            NoticeRecipient.notice.author.display_name.as_alias("author"),
            NoticeRecipient.read_at,
        )
        .where((NoticeRecipient.account == actor.id) & (NoticeRecipient.notice == notice_id))
        .first()
    )


async def is_recipient(account_id: int, notice_id: int) -> bool:
    """Whether the notice was sent to the account."""
    return await NoticeRecipient.exists().where(
        (NoticeRecipient.account == account_id) & (NoticeRecipient.notice == notice_id)
    )


async def mark_read(account_id: int, notice_id: int, read_at: dt.datetime) -> None:
    """The recipient read it (inside the ingest transaction of their ``notice_read``):
    the first reading counts, and every phone of theirs pulls it as read."""
    rows = (
        await NoticeRecipient.update({NoticeRecipient.read_at: min(read_at, now())})
        .where(
            (NoticeRecipient.account == account_id)
            & (NoticeRecipient.notice == notice_id)
            & NoticeRecipient.read_at.is_null()
        )
        .returning(NoticeRecipient.id)
    )
    if not rows:
        return
    notice = (
        await Notice.select(
            *Notice.all_columns(), Notice.author.display_name.as_alias("author_name")
        )
        .where(Notice.id == notice_id)
        .first()
    )
    assert notice is not None
    data = pulled(notice, notice["author_name"] or "", read=True)
    await changelog.write([changelog.Change(account_id, "notice", str(notice_id), data)])


async def sent_by(actor: Actor) -> list[dict[str, Any]]:
    """The notices ``actor`` sent (an admin: every notice), newest first, with how many
    recipients each has, how many phones pulled it and how many read it."""
    select = Notice.select(
        Notice.id,
        Notice.title,
        Notice.urgent,
        Notice.audience,
        Notice.audience_name,
        Notice.created_at,
        Notice.author.display_name.as_alias("author"),
    )
    if not actor.is_admin:
        select = select.where(Notice.author == actor.id)
    notices = await select.order_by(Notice.created_at, ascending=False).limit(100)
    counts = await _counts([n["id"] for n in notices])
    return [
        {**n, **counts.get(n["id"], {"recipients": 0, "delivered": 0, "read": 0})} for n in notices
    ]


async def _counts(notice_ids: list[int]) -> dict[int, dict[str, int]]:
    if not notice_ids:
        return {}
    found: dict[int, dict[str, int]] = {
        i: {"recipients": 0, "delivered": 0, "read": 0} for i in notice_ids
    }
    for name, where in (
        ("recipients", None),
        ("delivered", NoticeRecipient.delivered_at.is_not_null()),
        ("read", NoticeRecipient.read_at.is_not_null()),
    ):
        select = NoticeRecipient.select(NoticeRecipient.notice, Count()).where(
            NoticeRecipient.notice.is_in(notice_ids)
        )
        if where is not None:
            select = select.where(where)
        for row in await select.group_by(NoticeRecipient.notice):
            found[row["notice"]][name] = row["count"]
    return found


async def audiences(actor: Actor) -> scope.Audiences:
    """The teams and areas ``actor`` may send notices to."""
    return await scope.notice_audiences(actor)


async def phone_of(account_id: int) -> str:
    """The account's phone number ('' when none is on record)."""
    row = await Account.select(Account.phone).where(Account.id == account_id).first()
    return row["phone"] if row else ""

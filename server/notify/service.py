"""A phone's push subscription, kept per device, and the account's SMS choice."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from msgspec import Meta, Struct

from server.db import write_transaction
from server.notify.tables import PushSubscription

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
"""Hosts a push endpoint may name over plain http (a push service on the same machine,
as in development and the tests); anywhere else it must be https."""
B64URL = r"^[A-Za-z0-9_\-]+=*$"


class Keys(Struct, forbid_unknown_fields=True):
    """The browser's keys for this subscription (base64url)."""

    p256dh: Annotated[str, Meta(min_length=80, max_length=200, pattern=B64URL)]
    auth: Annotated[str, Meta(min_length=16, max_length=64, pattern=B64URL)]


class SubscriptionIn(Struct, forbid_unknown_fields=True):
    """``PushSubscription.toJSON()`` as the browser gives it, with the phone's device id."""

    endpoint: Annotated[str, Meta(min_length=10, max_length=1000)]
    keys: Keys
    device_id: Annotated[str, Meta(max_length=64, pattern=r"^[^\x00]*$")] = ""
    expirationTime: float | None = None  # the browser's own name
    replaces: Annotated[str, Meta(max_length=1000)] | None = None
    """The endpoint this one replaces (``pushsubscriptionchange``)."""


class SubscriptionOut(Struct, forbid_unknown_fields=True):
    """Which subscription to forget."""

    endpoint: Annotated[str, Meta(max_length=1000)]


def usable_endpoint(endpoint: str) -> bool:
    """An https URL (or http to this machine): the only places pushes are sent."""
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return True
    return parts.scheme == "http" and parts.hostname in LOOPBACK


async def subscribe(account_id: int, subscription: SubscriptionIn) -> None:
    """Keep (or move to this account and device) a browser's subscription."""
    values = {
        PushSubscription.account: account_id,
        PushSubscription.device_id: subscription.device_id,
        PushSubscription.p256dh: subscription.keys.p256dh,
        PushSubscription.auth: subscription.keys.auth,
    }
    async with write_transaction():
        if subscription.replaces and subscription.replaces != subscription.endpoint:
            await PushSubscription.delete().where(
                (PushSubscription.endpoint == subscription.replaces)
                & (PushSubscription.account == account_id)
            )
        updated = (
            await PushSubscription.update(values)
            .where(PushSubscription.endpoint == subscription.endpoint)
            .returning(PushSubscription.id)
        )
        if not updated:
            await PushSubscription.insert(
                PushSubscription(
                    endpoint=subscription.endpoint,
                    **{column._meta.name: value for column, value in values.items()},
                )
            ).on_conflict(target=PushSubscription.endpoint, action="DO NOTHING")


async def unsubscribe(account_id: int, endpoint: str) -> None:
    """Forget a subscription of the account (turned off on that device)."""
    await PushSubscription.delete().where(
        (PushSubscription.endpoint == endpoint) & (PushSubscription.account == account_id)
    )


async def device_count(account_id: int) -> int:
    """How many of the account's browsers get push notifications."""
    return await PushSubscription.count().where(PushSubscription.account == account_id)

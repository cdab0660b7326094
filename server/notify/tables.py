"""What the doorbells need: phones' push subscriptions, the notification jobs the
background worker claims, and SMS (opt-ins and every message, sent or not)."""

from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class PushSubscription(Table):
    """One browser's Web Push subscription (per device: turning it off there leaves the rest)."""

    account = ForeignKey(references=Account, index=True)
    device_id = Varchar(length=64, default="", index=True)
    """The phone's device id (the one its pushes carry)."""
    endpoint = Varchar(length=1000, unique=True)
    """The push service's URL for this browser (the capability to ring it)."""
    p256dh = Varchar(length=200)
    """The browser's P-256 public key (base64url): payloads are encrypted to it."""
    auth = Varchar(length=64)
    """The browser's 16-byte auth secret (base64url)."""
    created_at = Timestamptz(default=TimestamptzNow())
    last_sent_at = Timestamptz(null=True, default=None)


class Notification(Table):
    """One doorbell for one account: a job the worker claims, sends to every subscription
    the account has, and marks sent. The inbox (or the page ``target``) is the record."""

    account = ForeignKey(references=Account, index=True)
    kind = Varchar(length=32)
    """What happened (``notice``, ``pairing``, ``reminder_24h``...): the phone's words for it."""
    target = Varchar(length=200, default="/")
    """The page a tap opens."""
    key = Varchar(length=160, unique=True)
    """One per event and account: scheduling the same thing twice makes one job."""
    topic = Varchar(length=32)
    """The Web Push ``Topic`` and the notification's ``tag``: a repeat replaces, never doubles."""
    urgency = Varchar(length=8, default="normal")
    ttl = Integer(default=12 * 3600)
    """Seconds the push service keeps it for a phone that is offline."""
    due_at = Timestamptz(default=TimestamptzNow(), index=True)
    state = Varchar(length=8, default="pending", index=True)
    """``pending``, ``sending`` (claimed until ``lease_until``) or ``sent``; a doorbell no
    longer wanted (a withdrawn sign-up's reminder) is deleted before it rings."""
    lease_until = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    delivered = Integer(default=0)
    """Subscriptions the push services took it for."""
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class SmsOptIn(Table):
    """A volunteer who wants urgent notices and cancellations by SMS too."""

    account = ForeignKey(references=Account, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())


class SmsMessage(Table):
    """One SMS to one number: queued, sent once, or held back by the daily cap."""

    account = ForeignKey(references=Account, null=True, index=True)
    phone = Varchar(length=32, index=True)
    text = Varchar(length=500)
    key = Varchar(length=160, unique=True)
    """One per event and account: the gateway never gets the same message twice."""
    local_date = Varchar(length=10, index=True)
    """The deployment's local date it was sent (or held back) on: the cap counts per day."""
    due_at = Timestamptz(default=TimestamptzNow(), index=True)
    state = Varchar(length=8, default="pending", index=True)
    """``pending``, ``sending``, ``sent``, ``capped`` (over the daily cap), ``expired`` or
    ``failed``."""
    lease_until = Timestamptz(null=True, default=None)
    attempts = Integer(default=0)
    last_error = Varchar(length=200, default="")
    sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

"""Accounts, their areas, server-side sessions and login throttling."""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.areas.tables import Area, Team

ROLES = ("volunteer", "leader", "coordinator", "admin")


class Account(Table):
    """A person who logs in: a volunteer, a team leader, a coordinator or an admin."""

    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100)
    password_hash = Varchar(length=255)
    """An Argon2id hash; never the password."""
    role = Varchar(length=16, default="volunteer")
    """One of ``ROLES``; a leader is a volunteer who may check in team members."""
    team = ForeignKey(references=Team, null=True)
    phone = Varchar(length=32, default="")
    language = Varchar(length=8, null=True, default=None)
    """``zh_CN`` or ``en``; null follows the browser."""
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    sex = Varchar(length=8, default="")
    """``male``, ``female`` or empty (not recorded): a service record names it."""
    birth_date = Date(null=True, default=None)
    id_number = Varchar(length=18, default="")
    """The resident ID number where recorded; shown masked except in the service-hours
    export of a coordinator who looks after the account."""


class CoordinatorArea(Table):
    """An area (with everything under it) a coordinator looks after."""

    account = ForeignKey(references=Account, index=True)
    area = ForeignKey(references=Area)


class AuthSession(Table):
    """A login on one browser; the cookie holds a token whose hash is stored here."""

    token_hash = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    device_id = Varchar(length=64, default="", index=True)
    """The phone that last synced on this session."""
    revoked = Boolean(default=False)
    """Its phone was revoked: pages log in again, sync answers 410 ``device_revoked``."""


class LoginAttempt(Table):
    """Failed logins counted per key (account or address) in a fixed window."""

    key = Varchar(length=128, unique=True)
    window_start = Timestamptz()
    failures = Integer(default=0)


class JoinToken(Table):
    """A one-time QR login for one account; the QR holds the token, only its hash is kept."""

    token_hash = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account, index=True)
    """The only account the token can log in."""
    created_by = ForeignKey(references=Account, null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    """Set by the POST that used it (a GET never does: link previewers fetch URLs)."""


class DevicePin(Table):
    """A short PIN for re-logging in on the one phone that set it.

    The phone holds a long-lived HttpOnly cookie whose hash is ``device_hash``;
    the PIN alone logs in nobody anywhere else.
    """

    device_hash = Varchar(length=64, unique=True)
    account = ForeignKey(references=Account, index=True)
    pin_hash = Varchar(length=255)
    """An Argon2id hash of the PIN."""
    failures = Integer(default=0)
    """Wrong PINs in a row; at ``PIN_ATTEMPTS`` the PIN is forgotten."""
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)

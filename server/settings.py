"""The one reader of the environment: every setting Doorstep has, built once."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
"""The project folder: web/, service_worker/ and migrations/ live beside the package."""

HTMX_VERSION = "2.0.11"
DEFAULT_HTMX_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
DEFAULT_HTMX_INTEGRITY = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _column_names(value: str) -> tuple[tuple[str, str], ...]:
    """``{"field": "column name", ...}`` given as JSON or as a file's path; a bad one
    stops the start with the reason (a wrong import file found later is worse)."""
    text = value.strip()
    if text and not text.startswith(("{", "[")):
        text = Path(text).read_text(encoding="utf-8")
    if not text:
        return ()
    names = json.loads(text)
    if not isinstance(names, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in names.items()
    ):
        raise ValueError("SERVICE_HOURS_COLUMNS: a JSON object of field names to column names")
    return tuple((k, v.strip()) for k, v in names.items())


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    database_url: str
    """``sqlite:///path`` (the embedded default) or ``postgres://user:pass@host/db``."""
    data_dir: Path
    """Where the SQLite file, attachments, backups and self-served htmx live."""
    secret_key: str | None = None
    """Signs CSRF tokens; when unset one is made once and kept in the database."""
    public_origins: tuple[str, ...] = ()
    """The origins phones use (scheme://host[:port]); sync requests must come from one.

    Empty: a request passes when it comes from the address it was sent to, whatever
    that is (localhost, a LAN address, any port)."""
    host: str = "127.0.0.1"
    """The address ``doorstep serve`` listens on (``0.0.0.0``: every interface)."""
    port: int = 8000
    """The port ``doorstep serve`` listens on."""
    time_zone: str = "Asia/Shanghai"
    """Decides local dates for reports and for form times without an offset."""
    htmx_url: str = DEFAULT_HTMX_URL
    """Where pages load htmx from: a CDN, a mirror, or ``/static/vendor/htmx.min.js``."""
    htmx_integrity: str = DEFAULT_HTMX_INTEGRITY
    """The SRI hash of the file at ``htmx_url``."""
    org_name: str = "十堰市红十字会"
    """The organisation named in the page header."""
    default_language: str = "zh_CN"
    """The language when neither the account nor the browser says otherwise."""
    migrate_on_start: bool = True
    """Run pending migrations (under a lock) when ``doorstep serve`` starts."""
    secure_cookies: bool = False
    """Mark cookies Secure; on when a public origin is https."""
    signature_required: bool = False
    """A medicine delivery must carry the recipient's signature (drawn on the phone)."""
    session_days: int = 90
    """How long a session lives without use; each sync extends it."""
    login_attempts: int = 10
    """Failed logins allowed per account and per address in ``login_window_seconds``."""
    login_window_seconds: int = 900
    """The window of the login rate limit."""
    vapid_subject: str = ""
    """The contact in every push's VAPID claims (``mailto:`` or an https URL); unset, the
    first public origin when it is https, else ``mailto:doorstep@localhost``."""
    push_concurrency: int = 50
    """Pushes in flight at once per process (the fan-out's bound)."""
    push_timeout_seconds: float = 10.0
    """How long one push may take before it is given up and retried later."""
    notify_poll_seconds: float = 15.0
    """How often the worker looks for doorbells other processes scheduled (or that fell due)."""
    notify_worker: bool = True
    """Run the background worker that sends push notifications and SMS in this process."""
    stale_device_days: int = 3
    """A phone holding unsynced entries this many days is named to its coordinators."""
    sms_gateway_url: str = ""
    """An HTTP SMS gateway (POST, JSON); unset, no SMS is ever sent."""
    sms_gateway_token: str = ""
    """Sent as ``Authorization: Bearer <token>`` to the gateway."""
    sms_daily_cap: int = 3
    """SMS per phone number per local day, at most."""
    password_memory_kib: int = 65536
    """Argon2id memory per password or PIN hash (KiB); a stored hash keeps its own cost."""
    password_time_cost: int = 3
    """Argon2id passes per hash."""
    service_hours_columns: tuple[tuple[str, str], ...] = ()
    """Column names of the service-hours export by field (``SERVICE_HOURS_COLUMNS``: a JSON
    object, or the path of a file holding one), to match the national system's import;
    a field not named keeps its Chinese name."""
    export_inline_rows: int = 20_000
    """An .xlsx export of more rows than this is written in the background (a job with a
    progress page and a download) instead of inside its request; 0: always."""
    extra: dict[str, str] = field(default_factory=dict)
    """Unused settings kept for diagnostics."""

    @property
    def is_postgres(self) -> bool:
        """True when the database is PostgreSQL."""
        return self.database_url.startswith(("postgres://", "postgresql://"))

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file (only meaningful when not on PostgreSQL)."""
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def attachments_dir(self) -> Path:
        """Attachments go here; every app process must see the same folder."""
        return self.data_dir / "attachments"

    @property
    def required_attachments(self) -> frozenset[str]:
        """The files an entry must list whenever its kind takes them."""
        return frozenset({"signature"}) if self.signature_required else frozenset()

    @classmethod
    def from_env(cls, env: os._Environ[str] | dict[str, str] | None = None) -> Settings:
        """Build the settings from environment variables (defaults for all but secrets)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("DATA_DIR") or ROOT / "data").resolve()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'doorstep.sqlite3'}"
        origins = tuple(
            o.strip().rstrip("/") for o in (env.get("PUBLIC_ORIGIN") or "").split(",") if o.strip()
        )
        secure = any(o.startswith("https://") for o in origins)
        return cls(
            database_url=database_url,
            data_dir=data_dir,
            secret_key=env.get("SECRET_KEY") or None,
            public_origins=origins,
            host=env.get("HOST") or "127.0.0.1",
            port=int(env.get("PORT") or 8000),
            time_zone=env.get("TIME_ZONE") or "Asia/Shanghai",
            htmx_url=env.get("HTMX_URL") or DEFAULT_HTMX_URL,
            htmx_integrity=env.get("HTMX_INTEGRITY") or DEFAULT_HTMX_INTEGRITY,
            org_name=env.get("ORG_NAME") or "十堰市红十字会",
            default_language=env.get("DEFAULT_LANGUAGE") or "zh_CN",
            migrate_on_start=_flag(env.get("MIGRATE_ON_START"), True),
            secure_cookies=_flag(env.get("SECURE_COOKIES"), secure),
            signature_required=_flag(env.get("SIGNATURE_REQUIRED"), False),
            vapid_subject=env.get("VAPID_SUBJECT") or (origins[0] if secure else ""),
            push_concurrency=int(env.get("PUSH_CONCURRENCY") or 50),
            push_timeout_seconds=float(env.get("PUSH_TIMEOUT_SECONDS") or 10),
            notify_poll_seconds=float(env.get("NOTIFY_POLL_SECONDS") or 15),
            notify_worker=_flag(env.get("NOTIFY_WORKER"), True),
            stale_device_days=int(env.get("STALE_DEVICE_DAYS") or 3),
            sms_gateway_url=env.get("SMS_GATEWAY_URL") or "",
            sms_gateway_token=env.get("SMS_GATEWAY_TOKEN") or "",
            sms_daily_cap=int(env.get("SMS_DAILY_CAP") or 3),
            password_memory_kib=int(env.get("PASSWORD_MEMORY_KIB") or 65536),
            password_time_cost=int(env.get("PASSWORD_TIME_COST") or 3),
            export_inline_rows=int(env.get("EXPORT_INLINE_ROWS") or 20_000),
            service_hours_columns=_column_names(env.get("SERVICE_HOURS_COLUMNS") or ""),
        )

"""Large exports written in the background: one row per export job."""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.accounts.tables import Account


class ExportJob(Table):
    """A workbook asked for that is too large to write inside its request: the worker
    claims it, re-runs the export's own query as the account that asked, and keeps the
    file under ``DATA_DIR`` for a day."""

    account = ForeignKey(references=Account, index=True)
    """Who asked: the only account that sees the job and downloads its file."""
    what = Varchar(length=40)
    """Which export (``review``, ``followups``, ``coverage``, ``report``, ``hours``)."""
    query = Text(default="{}")
    """The query parameters it was asked with (JSON): the job re-reads them."""
    filters = Text(default="{}")
    """The filters as the request's audit row keeps them (JSON)."""
    language = Varchar(length=16, default="zh_CN")
    file_format = Varchar(length=8, default="xlsx")
    status = Varchar(length=8, default="queued", index=True)
    """``queued``, ``running``, ``done`` or ``failed``."""
    attempts = Integer(default=0)
    """Times a worker claimed it (one, unless a process died writing it)."""
    rows_written = Integer(default=0)
    rows_expected = Integer(null=True, default=None)
    """Rows the export will hold when that is cheaply known (else none)."""
    file_path = Varchar(length=400, null=True, default=None)
    """The finished file, relative to ``DATA_DIR``; none once deleted."""
    error = Varchar(length=40, null=True, default=None)
    """Why it failed (a stable code)."""
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    heartbeat_at = Timestamptz(null=True, default=None)
    """Last sign of life of the process writing it: a stale one died."""
    finished_at = Timestamptz(null=True, default=None)

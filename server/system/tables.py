"""Values made once for the whole deployment and shared by every process."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class SystemValue(Table):
    """A named value such as the session secret, the VAPID keys or the sync epoch."""

    key = Varchar(length=64, unique=True)
    """What the value is (``secret_key``, ``epoch``...)."""
    value = Text()
    """The value itself; secrets never leave the server."""
    created_at = Timestamptz(default=TimestamptzNow())

"""The files entries carry (photos, signatures): what each entry listed, and whether the
file has arrived. The files themselves live in ``DATA_DIR/attachments/``, not here."""

from piccolo.columns import ForeignKey, Integer, Timestamptz, Varchar
from piccolo.table import Table

from server.entries.tables import Entry


class EntryAttachment(Table):
    """One file an entry listed (``attachments: [{name, sha256, bytes}]``), written with
    the entry in its transaction; ``stored_at`` is set once the upload matched."""

    entry = ForeignKey(references=Entry, index=True)
    name = Varchar(length=100)
    """The kind's name for the file (``photo``, ``signature``)."""
    content_type = Varchar(length=64)
    """What the kind says the file is; served as such."""
    sha256 = Varchar(length=64)
    """The SHA-256 the phone listed: an upload with other bytes is refused."""
    size = Integer()
    """The bytes the phone listed."""
    household = Integer(null=True, default=None)
    """The household the entry is about (None: a group, a place), for who may see it."""
    stored_at = Timestamptz(null=True, default=None)
    """When the file arrived whole and matching; None until then."""

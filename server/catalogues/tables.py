"""The catalogues volunteers choose from: medicines, supplies and products (管理 › 目录)."""

from piccolo.columns import BigInt, Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class CatalogueItem(Table):
    """One item of one catalogue. Items are never deleted: an entry made a week ago on a
    phone still names it, so a retired item stays valid for entries and is only no longer
    offered in the forms."""

    catalogue = Varchar(length=16, index=True)
    """``medicine`` (药品), ``supplies`` (物资) or ``products`` (消费扶贫的农产品)."""
    name = Varchar(length=64)
    specification = Varchar(length=64, default="")
    """规格, e.g. ``5mg×28片`` for a medicine or ``500g`` for a product."""
    unit = Varchar(length=16, default="")
    """The unit the forms suggest (盒, 件, 斤 …)."""
    retired = Boolean(default=False)
    version = Integer(default=1)
    """Raised by every change; pull sends it."""
    seq = BigInt(default=0, index=True)
    """The change log's number of its latest change, taken inside the writing transaction
    (``sync.changelog.reserve``): every phone pulls the items changed after its cursor."""
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


def pulled(row: dict) -> dict:
    """An item as phones pull it (the ``catalogue_item`` change's data)."""
    return {
        "catalogue": row["catalogue"],
        "name": row["name"],
        "specification": row["specification"],
        "unit": row["unit"],
        "retired": row["retired"],
    }

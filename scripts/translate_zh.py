"""Fill Chinese translations from a table kept beside the catalogue (zh_CN.tsv).

``python scripts/translate_zh.py`` writes every row of server/locale/zh_CN.tsv
(English<TAB>中文) into the zh_CN catalogue; edit the table, not the .po file.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "server" / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
TABLE = ROOT / "server" / "locale" / "zh_CN.tsv"


def main() -> None:
    """Copy the table's translations into the catalogue."""
    rows = dict(line.split("\t", 1) for line in TABLE.read_text().splitlines() if "\t" in line)
    with open(PO, "rb") as f:
        catalog = read_po(f, locale="zh_CN")
    for message in catalog:
        if message.id and message.id in rows:
            message.string = rows[message.id]
    with open(PO, "wb") as f:
        write_po(f, catalog, no_location=True, sort_output=True)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(missing)} untranslated", *missing, sep="\n  ")


if __name__ == "__main__":
    main()

"""Extract every message from the code and templates and merge it into the .po files.

Run from the project folder: ``python scripts/update_catalogues.py``. Existing
translations are kept; new messages arrive untranslated (the tests list them).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "server" / "locale"
KEYWORDS = ["-k", "_", "-k", "t:2", "-k", "N_"]


def extract() -> Path:
    """Write a fresh template of all messages and return its path."""
    pot = Path(tempfile.mkdtemp()) / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            *KEYWORDS,
            "--no-location",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    return pot


def merge(pot: Path) -> None:
    """Update each language's catalogue from the template."""
    with open(pot, "rb") as f:
        template = read_po(f)
    for language in ("zh_CN", "en"):
        path = LOCALE / language / "LC_MESSAGES" / "messages.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with open(path, "rb") as f:
                catalog = read_po(f, locale=language)
        else:
            catalog = read_po(open(pot, "rb"), locale=language)  # noqa: SIM115
        catalog.update(template, no_fuzzy_matching=True)
        with open(path, "wb") as f:
            write_po(
                f,
                catalog,
                omit_header=False,
                no_location=True,
                sort_output=True,
                ignore_obsolete=True,
            )
        missing = [m.id for m in catalog if m.id and not m.string]
        if language == "zh_CN" and missing:
            print(f"{len(missing)} messages lack a Chinese translation:")
            for message in missing:
                print("  ", message)


if __name__ == "__main__":
    merge(extract())

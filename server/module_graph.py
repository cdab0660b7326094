"""The page script's static module graph, for ``<link rel="modulepreload">``.

A module script only finds its imports once it has arrived, and theirs once they have: on
a phone's slow link each level of ``import`` costs a round trip before the page script can
run. Listing the whole graph in the page lets the browser fetch it at once.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^"';]*?["'](\./[\w./-]+\.js)["']""", re.M)
"""Static ``import … from "./x.js"`` / ``import "./x.js"`` lines (not dynamic ``import()``)."""


@functools.cache
def preloads(entry: str = "app.js") -> tuple[str, ...]:
    """Every module ``entry`` imports statically, directly or not, as /static/ URLs."""
    seen: list[str] = []
    pending = [entry]
    while pending:
        name = pending.pop(0)
        source = (STATIC / name).read_text(encoding="utf-8")
        for found in _IMPORT.findall(source):
            child = str(Path(name).parent / found[2:]).removeprefix("./")
            if child not in seen and child != entry:
                seen.append(child)
                pending.append(child)
    return tuple(f"/static/{name}" for name in seen)

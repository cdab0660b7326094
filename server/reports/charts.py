"""Bar charts drawn on the server as inline SVG (no script, no library).

Horizontal bars, one per line, the label on the left and the number at the bar's end,
so a phone reads them at 390 px without turning; the template adds the ``<title>``,
``aria-label`` and a table of the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 360
LABEL = 96
"""Room for the label on the left."""
ROOM = 60
"""Room for the number after the longest bar."""
LINE = 28
BAR = 18


@dataclass(frozen=True)
class Bar:
    """One bar: where it is drawn and what it says."""

    label: str
    value: int
    shown: str
    """The value as written (hours, yuan)."""
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    """A chart's bars and the size of its drawing."""

    title: str
    bars: list[Bar]
    width: int = WIDTH
    label_width: int = LABEL
    bar_height: int = BAR

    @property
    def height(self) -> int:
        """The drawing's height in SVG units."""
        return max(1, len(self.bars)) * LINE + 4


def bars(title: str, values: list[tuple[str, int, str]]) -> Chart:
    """A chart of ``values`` (label, value, value as written), longest bar to scale."""
    most = max((v for _, v, _ in values), default=0)
    room = WIDTH - LABEL - ROOM
    drawn = [
        Bar(label, value, shown, 4 + n * LINE, round(room * value / most) if most else 0)
        for n, (label, value, shown) in enumerate(values)
    ]
    return Chart(title, drawn)

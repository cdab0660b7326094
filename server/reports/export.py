"""The dashboard as a file: its rows and total row, what each count means, and supplies per
item and occasion (the same numbers as the page, through ``server/exports``' writer)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from server.exports.writer import Column, Sheet
from server.i18n import N_, gettext
from server.reports.indicators import INDICATORS, OCCASIONS, Indicator
from server.reports.service import Dashboard, Row

KINDS = {"count": "int", "yuan": "fen", "hours": "minutes"}
"""How the writer shows each unit: yuan from whole fen, hours from minutes."""


async def _each(rows: Sequence[Sequence[Any]]) -> AsyncIterator[Sequence[Any]]:
    for row in rows:
        yield row


def _column(indicator: Indicator) -> Column:
    return Column(indicator.label, KINDS[indicator.unit])  # type: ignore[arg-type]


def _line(name: str, row: Row) -> list[Any]:
    return [name, *(row.cell(i.key).value for i in INDICATORS)]


def sheets(board: Dashboard, names: list[str], language: str) -> list[Sheet]:
    """The counts per row (named ``names``, in order) with the total counted as a whole
    (teams share households: it is not always the rows' sum), what each count means, and
    supplies per item and occasion."""
    counts = [_line(n, r) for n, r in zip(names, board.rows, strict=True)]
    counts.append(_line(gettext(language, N_("Total")), board.total))
    meaning = [[gettext(language, i.label), gettext(language, i.definition)] for i in INDICATORS]
    supplies = [
        [
            s.item,
            gettext(language, OCCASIONS.get(s.occasion, s.occasion)),
            s.quantity,
            s.unit,
            s.handouts,
        ]
        for s in board.supplies
    ]
    return [
        Sheet(N_("Dashboard"), [Column(N_("Name")), *map(_column, INDICATORS)], _each(counts)),
        Sheet(
            N_("What each count means"),
            [Column(N_("Count")), Column(N_("Definition"))],
            _each(meaning),
            {0: 30, 1: 90},
        ),
        Sheet(
            N_("Supplies per item and occasion"),
            [
                Column(N_("Item")),
                Column(N_("Occasion")),
                Column(N_("Quantity"), "int"),
                Column(N_("Unit")),
                Column(N_("Handouts"), "int"),
            ],
            _each(supplies),
        ),
    ]

"""The dashboards' figures as CSV rows (written by `deals.exports.csv_stream`: BOM, `;`,
formula-safe cells).

One row per breakdown, group and period (each week, then the whole period):
the same figures, withheld the same way, as the page shows. A withheld row
keeps its group's name with empty figures and the reason in the last column.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from comptoir.domain.insights.figures import CityFigures
from comptoir.domain.insights.report import (
    DIMENSIONS,
    METRICS,
    TOO_FEW,
    Cell,
    breakdown,
    cross_table,
)


def reason_text(reason: str) -> str:
    if reason == TOO_FEW:
        return _("fewer than 5 shops")
    if reason:
        return _("withheld so that a smaller group cannot be worked out")
    return ""


def figures_header() -> list[str]:
    return [
        _("Week"),
        _("Breakdown"),
        _("Group"),
        *(str(metric.label) for metric in METRICS),
        _("Note"),
    ]


def _line(period: str, dimension: str, group: str, cell: Cell) -> list[object]:
    values: list[object] = []
    for metric in METRICS:
        value = cell.value(metric.key)
        values.append("" if value is None else value)
    return [period, dimension, group, *values, reason_text(cell.reason)]


def figures_rows(figures: CityFigures, *, anonymous: bool) -> Iterator[Sequence[object]]:
    labels = [week.label for week in figures.weeks]
    whole = _("whole period")
    for dimension in DIMENSIONS:
        for row in breakdown(figures, dimension, anonymous=anonymous):
            for label, cell in zip(labels, row.weeks, strict=True):
                yield _line(label, dimension, row.label, cell)
            yield _line(whole, dimension, row.label, row.period)
    table = cross_table(figures, anonymous=anonymous)
    for district, cells in table.rows():
        for (_trade, trade_label), cell in zip(table.trades, cells, strict=True):
            yield _line(whole, "district-trade", f"{district} / {trade_label}", cell)

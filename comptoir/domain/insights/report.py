"""The dashboards' tables: the figures per group, withheld where the anonymity rule says.

`anonymous=True` (the city partners) applies `anonymity`; the operator sees
every figure (`anonymous=False`). A withheld figure is `None` with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comptoir.domain.insights.anonymity import is_shown, withheld, withheld_cells
from comptoir.domain.insights.figures import CellKey, CityFigures, Figures, by_dimension
from comptoir.domain.shops.models import Trade

Dimension = Literal["city", "trade", "district"]
DIMENSIONS: tuple[Dimension, ...] = ("city", "trade", "district")


@dataclass(frozen=True, slots=True)
class Metric:
    key: str
    label: Promise
    kind: str  # "count" | "money" | "percent"


METRICS = (
    Metric("active_shops", _("Active shops"), "count"),
    Metric("new_shops", _("New shops"), "count"),
    Metric("churned", _("Shops that left"), "count"),
    Metric("churn_rate", _("Churn rate"), "percent"),
    Metric("orders_placed", _("Orders placed"), "count"),
    Metric("orders_completed", _("Orders completed"), "count"),
    Metric("gmv", _("Sales (GMV, incl. VAT)"), "money"),
    Metric("average_basket", _("Average basket"), "money"),
    Metric("collect_share", _("Click & collect share"), "percent"),
    Metric("vouchers_claimed", _("Vouchers claimed"), "count"),
    Metric("vouchers_redeemed", _("Vouchers redeemed"), "count"),
)
METRICS_BY_KEY = {metric.key: metric for metric in METRICS}

#: Why a figure is missing.
TOO_FEW = "too_few"  # the group covers fewer than 5 shops
PROTECTS_ANOTHER = "protects_another"  # shown, it would give a smaller group's away


def metric_value(figures: Figures, key: str) -> int | Decimal | None:
    value: int | Decimal | None = getattr(figures, key)
    return value


@dataclass(frozen=True, slots=True)
class Cell:
    """One group's figures in one period, or why they are withheld."""

    figures: Figures | None
    reason: str = ""

    def value(self, key: str) -> int | Decimal | None:
        return None if self.figures is None else metric_value(self.figures, key)


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    period: Cell
    weeks: list[Cell]


def group_label(dimension: Dimension, key: str) -> str:
    if dimension == "trade":
        return str(Trade(key).label) if key in Trade.values else key
    if dimension == "district":
        return key
    return str(_("The whole city"))


def _cell(figures: Figures, hidden: bool, anonymous: bool) -> Cell:
    if not anonymous or not hidden:
        return Cell(figures)
    return Cell(None, TOO_FEW if not is_shown(figures.shops_covered) else PROTECTS_ANOTHER)


def breakdown(figures: CityFigures, dimension: Dimension, *, anonymous: bool) -> list[Row]:
    """One row per group of `dimension`: its figures over the period and per week."""
    groups = by_dimension(figures, dimension)
    if dimension == "city" and not groups:
        groups = {"": []}
    weekly = {name: figures.group_weekly(keys) for name, keys in groups.items()}
    period = {name: figures.group_period(keys) for name, keys in groups.items()}
    hidden_period = withheld({name: totals.shops_covered for name, totals in period.items()})
    hidden_weeks = [
        withheld({name: series[index].shops_covered for name, series in weekly.items()})
        for index in range(len(figures.weeks))
    ]
    return [
        Row(
            key=name,
            label=group_label(dimension, name),
            period=_cell(period[name], name in hidden_period, anonymous),
            weeks=[
                _cell(week, name in hidden_weeks[index], anonymous)
                for index, week in enumerate(weekly[name])
            ],
        )
        for name in groups
    ]


@dataclass(frozen=True, slots=True)
class CrossTable:
    """Districts (rows) x trades (columns) over the whole period."""

    districts: list[str]
    trades: list[tuple[str, str]]  # (key, label)
    cells: dict[CellKey, Cell]

    def rows(self) -> list[tuple[str, list[Cell]]]:
        empty = Cell(Figures())
        return [
            (
                district,
                [self.cells.get((trade, district), empty) for trade, _label in self.trades],
            )
            for district in self.districts
        ]


def cross_table(figures: CityFigures, *, anonymous: bool) -> CrossTable:
    period = {key: figures.group_period([key]) for key in figures.cells()}
    hidden = withheld_cells({key: totals.shops_covered for key, totals in period.items()})
    trades = sorted({trade for trade, _ in period})
    empty_hidden = anonymous  # a cell with no shop at all covers 0 shops: withheld too
    cells = {key: _cell(totals, key in hidden, anonymous) for key, totals in period.items()}
    table = CrossTable(
        districts=sorted({district for _, district in period}),
        trades=[(trade, group_label("trade", trade)) for trade in trades],
        cells=cells,
    )
    if empty_hidden:
        for district in table.districts:
            for trade in trades:
                cells.setdefault((trade, district), Cell(None, TOO_FEW))
    return table

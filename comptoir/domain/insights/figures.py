"""A city's weekly figures of local commerce, per trade and district (postal code).

Reads only, in four aggregate queries whatever the number of shops (shops,
orders, vouchers claimed, vouchers redeemed), each grouped by the shop's
trade and postal code: the smallest group any page shows. Bigger groups (a
trade, a district, the city) are sums of these cells, since a shop sits in
exactly one cell (its current trade and postal code).

Weeks are ISO weeks (Monday to Sunday) in the city's time zone: an order
placed on Monday at 00:30 in Rouen (Sunday 22:30 UTC) counts in the new week.

Definitions (docs/insights.md):

- A shop **went live** at its approval (`approved_at`), or its creation when
  it has none (shops older than approvals). A shop **left** when it was
  suspended (`suspended_at`) or, for a shop unpublished without suspension,
  at its row's last change (`updated_at`: no unpublication date is kept, so
  this is the closest known moment). An unpublished shop that was never
  approved nor suspended never went live (a sign-up still pending): it counts
  nowhere.
- **Active shops** of a week: live at the week's end (for this week: now).
  **Shops covered**: live at any moment of the week — what the anonymity rule
  counts. **New shops**: went live during the week. **Churn**: shops that left
  during the week; the churn rate divides them by the shops live at the
  week's start.
- **Orders placed**: every order placed in the week, whatever became of it;
  **completed**: handed over (collected or delivered). **GMV**: the totals
  (VAT and delivery fee included) of the completed orders; the **average
  basket** divides it by them. **Click & collect share**: of the orders placed.
- **Vouchers claimed** by their claim's week, **redeemed** by their redemption's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, DateTimeField, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate

from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Voucher
from comptoir.domain.orders.models import Fulfilment, Order
from comptoir.domain.orders.sales import COMPLETED_STATES
from comptoir.domain.shops.hours import local_datetime
from comptoir.domain.shops.models import Shop

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: How many weeks a dashboard shows by default, and at most.
DEFAULT_WEEKS = 12
MAX_WEEKS = 53

#: (trade, postal code): the cell every figure is counted in.
CellKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Week:
    """An ISO week in the city's time zone: Monday 00:00 to the next Monday 00:00 (excluded)."""

    monday: date
    starts_at: datetime
    ends_at: datetime

    @property
    def label(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"


def week_of(day: date, zone: ZoneInfo) -> Week:
    monday = day - timedelta(days=day.weekday())
    return Week(
        monday=monday,
        starts_at=local_datetime(monday, time(0), zone),
        ends_at=local_datetime(monday + timedelta(days=7), time(0), zone),
    )


def last_weeks(*, city: City, now: datetime, count: int = DEFAULT_WEEKS) -> list[Week]:
    """The `count` weeks up to this one (included), oldest first."""
    if not 1 <= count <= MAX_WEEKS:
        raise ValueError(f"Between 1 and {MAX_WEEKS} weeks, not {count}.")
    zone = city.zone
    this_monday = week_of(now.astimezone(zone).date(), zone).monday
    return [week_of(this_monday - timedelta(weeks=back), zone) for back in range(count - 1, -1, -1)]


@dataclass(slots=True)
class Figures:
    """One group's counts over one period; they add up across groups and (except shop
    counts) across weeks."""

    shops_covered: int = 0
    active_shops: int = 0
    active_at_start: int = 0
    new_shops: int = 0
    churned: int = 0
    orders_placed: int = 0
    orders_completed: int = 0
    gmv: Decimal = ZERO
    collect_orders: int = 0
    delivery_orders: int = 0
    vouchers_claimed: int = 0
    vouchers_redeemed: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    @property
    def average_basket(self) -> Decimal | None:
        if not self.orders_completed:
            return None
        return (self.gmv / self.orders_completed).quantize(CENT)

    @property
    def collect_share(self) -> Decimal | None:
        """Click & collect orders per 100 orders placed (the rest are deliveries)."""
        both = self.collect_orders + self.delivery_orders
        if not both:
            return None
        return (Decimal(100) * self.collect_orders / both).quantize(Decimal("0.1"))

    @property
    def delivery_share(self) -> Decimal | None:
        share = self.collect_share
        return None if share is None else Decimal(100) - share

    @property
    def churn_rate(self) -> Decimal | None:
        """Shops that left per 100 shops live at the week's start."""
        if not self.active_at_start:
            return None
        return (Decimal(100) * self.churned / self.active_at_start).quantize(Decimal("0.1"))


@dataclass(slots=True)
class CityFigures:
    """Every cell's figures, per week and over the whole period."""

    city: City
    weeks: list[Week]
    #: cell -> one Figures per week (same order as `weeks`).
    weekly: dict[CellKey, list[Figures]] = field(default_factory=dict)
    #: cell -> shops covered over the whole period (live at any moment of it).
    covered_in_period: dict[CellKey, int] = field(default_factory=dict)

    def cells(self) -> list[CellKey]:
        return sorted(self.weekly)

    def _cell(self, key: CellKey) -> list[Figures]:
        if key not in self.weekly:
            self.weekly[key] = [Figures() for _ in self.weeks]
        return self.weekly[key]

    def group_weekly(self, keys: Iterable[CellKey]) -> list[Figures]:
        """The weekly figures of a group of cells (a trade, a district, the city)."""
        total = [Figures() for _ in self.weeks]
        for key in keys:
            total = [a + b for a, b in zip(total, self.weekly.get(key, []), strict=False)]
        return total

    def group_period(self, keys: Iterable[CellKey]) -> Figures:
        """A group's figures over the whole period: flows summed, shop counts of the period.

        Active shops are those of the last week, active at start those of the first.
        """
        keys = list(keys)
        weekly = self.group_weekly(keys)
        total = Figures()
        for week in weekly:
            total = total + week
        total.shops_covered = sum(self.covered_in_period.get(key, 0) for key in keys)
        total.active_shops = weekly[-1].active_shops if weekly else 0
        total.active_at_start = weekly[0].active_at_start if weekly else 0
        return total


def _shop_lifetimes(city: City, shop: Shop | None) -> Any:
    """The city's shops that ever went live, with `live_from` and `left_at` (None: still live)."""
    shops = Shop.objects.filter(city=city)
    if shop is not None:
        shops = shops.filter(pk=shop.pk)
    return shops.filter(
        Q(is_active=True) | Q(suspended_at__isnull=False) | Q(approved_at__isnull=False)
    ).alias(
        live_from=Coalesce("approved_at", "created_at"),
        left_at=Case(
            When(is_active=True, then=Value(None, output_field=DateTimeField())),
            When(suspended_at__isnull=False, then=F("suspended_at")),
            default=F("updated_at"),
            output_field=DateTimeField(),
        ),
    )


def _live_at(moment: datetime) -> Q:
    return Q(live_from__lt=moment) & (Q(left_at__isnull=True) | Q(left_at__gte=moment))


def _live_during(starts_at: datetime, ends_at: datetime) -> Q:
    return Q(live_from__lt=ends_at) & (Q(left_at__isnull=True) | Q(left_at__gte=starts_at))


def city_figures(
    *, city: City, weeks: Sequence[Week], now: datetime, shop: Shop | None = None
) -> CityFigures:
    """The figures of `city` (or of one of its shops) for `weeks`, in four queries."""
    result = CityFigures(city=city, weeks=list(weeks))
    if not weeks:
        return result
    first, last = weeks[0].starts_at, weeks[-1].ends_at
    index_of = {week.monday: index for index, week in enumerate(weeks)}

    # 1. Shops: one count per week and measure, grouped by cell.
    aggregates: dict[str, Any] = {
        "covered_in_period": Count("pk", filter=_live_during(first, min(last, now)))
    }
    for index, week in enumerate(weeks):
        ends_at = min(week.ends_at, now)
        aggregates |= {
            f"covered_{index}": Count("pk", filter=_live_during(week.starts_at, ends_at)),
            f"active_{index}": Count("pk", filter=_live_at(ends_at)),
            f"at_start_{index}": Count("pk", filter=_live_at(week.starts_at)),
            f"new_{index}": Count(
                "pk", filter=Q(live_from__gte=week.starts_at, live_from__lt=week.ends_at)
            ),
            f"churned_{index}": Count(
                "pk",
                filter=Q(left_at__gte=week.starts_at, left_at__lt=week.ends_at)
                & Q(live_from__lt=F("left_at")),
            ),
        }
    for row in (
        _shop_lifetimes(city, shop)
        .values("trade", "postal_code")
        .annotate(**aggregates)
        .order_by("trade", "postal_code")
    ):
        key = (row["trade"], row["postal_code"])
        result.covered_in_period[key] = row["covered_in_period"]
        for index, figures in enumerate(result._cell(key)):
            figures.shops_covered = row[f"covered_{index}"]
            figures.active_shops = row[f"active_{index}"]
            figures.active_at_start = row[f"at_start_{index}"]
            figures.new_shops = row[f"new_{index}"]
            figures.churned = row[f"churned_{index}"]

    zone = city.zone
    money = DecimalField(max_digits=14, decimal_places=2)
    # 2. Orders, per local day (then folded into weeks).
    orders = Order.objects.filter(city=city, placed_at__gte=first, placed_at__lt=last)
    if shop is not None:
        orders = orders.filter(shop=shop)
    completed = Q(state__in=COMPLETED_STATES)
    for row in (
        orders.annotate(day=TruncDate("placed_at", tzinfo=zone))
        .values("shop__trade", "shop__postal_code", "day")
        .annotate(
            placed=Count("pk"),
            completed=Count("pk", filter=completed),
            gmv=Coalesce(Sum("total", filter=completed), Value(ZERO), output_field=money),
            collect=Count("pk", filter=Q(fulfilment=Fulfilment.COLLECT)),
            delivery=Count("pk", filter=Q(fulfilment=Fulfilment.DELIVERY)),
        )
        .order_by()
    ):
        counts = _at(result, row, index_of)
        if counts is None:
            continue
        counts.orders_placed += row["placed"]
        counts.orders_completed += row["completed"]
        counts.gmv += Decimal(row["gmv"]).quantize(CENT)
        counts.collect_orders += row["collect"]
        counts.delivery_orders += row["delivery"]

    # 3-4. Vouchers claimed, and redeemed, by their own moment's week.
    vouchers = Voucher.objects.filter(city=city)
    if shop is not None:
        vouchers = vouchers.filter(shop=shop)
    for moment, attribute in (
        ("claimed_at", "vouchers_claimed"),
        ("redeemed_at", "vouchers_redeemed"),
    ):
        for row in (
            vouchers.filter(**{f"{moment}__gte": first, f"{moment}__lt": last})
            .annotate(day=TruncDate(moment, tzinfo=zone))
            .values("shop__trade", "shop__postal_code", "day")
            .annotate(count=Count("pk"))
            .order_by()
        ):
            found = _at(result, row, index_of)
            if found is not None:
                setattr(found, attribute, getattr(found, attribute) + row["count"])
    return result


def _at(result: CityFigures, row: Mapping[str, Any], index_of: dict[date, int]) -> Figures | None:
    day = row["day"]
    if isinstance(day, datetime):  # some back ends hand back a datetime
        day = day.date()
    index = index_of.get(day - timedelta(days=day.weekday()))
    if index is None:
        return None
    return result._cell((row["shop__trade"], row["shop__postal_code"]))[index]


def by_dimension(figures: CityFigures, dimension: str) -> dict[str, list[CellKey]]:
    """Cells grouped by trade, district (postal code), or all in one "city" group."""
    groups: dict[str, list[CellKey]] = defaultdict(list)
    for key in figures.cells():
        trade, postal_code = key
        name = {"trade": trade, "district": postal_code, "city": ""}[dimension]
        groups[name].append(key)
    return dict(sorted(groups.items()))


def shop_weekly(
    *, shop: Shop, now: datetime, count: int = DEFAULT_WEEKS
) -> list[tuple[Week, Figures]]:
    """One shop's figures per week, as the city's dashboards count them (four queries)."""
    weeks = last_weeks(city=shop.city, now=now, count=count)
    figures = city_figures(city=shop.city, weeks=weeks, now=now, shop=shop)
    return list(zip(weeks, figures.group_weekly(figures.cells()), strict=True))

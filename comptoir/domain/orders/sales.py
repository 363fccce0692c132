"""Sales figures for a shop's owner: what was sold, per period and per day.

Reads only. Days, weeks and months are the city's (Europe/Paris): "today"
runs from local midnight to local midnight, whatever the database's zone.
An order counts on the day it was placed. Revenue is the total customers pay
(VAT and delivery fee included) of orders handed over (collected or
delivered); orders still open are counted apart, and refused, cancelled and
no-show orders not at all. Sums are exact Decimals, added up by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from comptoir.domain.orders.models import OPEN_STATES, Order, OrderLine, OrderState
from comptoir.domain.shops.hours import local_datetime
from comptoir.domain.shops.models import Shop

#: Orders whose money is earned: the goods were handed over.
COMPLETED_STATES = (OrderState.COLLECTED, OrderState.DELIVERED)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CHART_DAYS = 30


def _money_sum(field: str, condition: Q) -> Coalesce:
    money = DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=money)


@dataclass(frozen=True, slots=True)
class Period:
    key: str  # "today" | "week" | "month"
    starts_at: datetime
    ends_at: datetime  # excluded


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    period: Period
    orders: int
    revenue: Decimal
    open_orders: int
    open_amount: Decimal

    @property
    def average_basket(self) -> Decimal | None:
        """Revenue per handed-over order, to the cent; None when there is none."""
        if not self.orders:
            return None
        return (self.revenue / self.orders).quantize(CENT)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return local_datetime(day, time(0), zone)


def periods(zone: ZoneInfo, now: datetime) -> tuple[Period, Period, Period]:
    """Today, this week (from Monday) and this month, as local-midnight bounds."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return (
        Period("today", _midnight(today, zone), _midnight(today + timedelta(days=1), zone)),
        Period("week", _midnight(monday, zone), _midnight(monday + timedelta(days=7), zone)),
        Period("month", _midnight(first, zone), _midnight(next_month, zone)),
    )


def sales_overview(*, shop: Shop, now: datetime) -> list[PeriodFigures]:
    """Today's, this week's and this month's figures of `shop`, in one query."""
    bounds = periods(shop.city.zone, now)
    aggregates: dict[str, Any] = {}
    for period in bounds:
        within = Q(placed_at__gte=period.starts_at, placed_at__lt=period.ends_at)
        done = within & Q(state__in=COMPLETED_STATES)
        still_open = within & Q(state__in=OPEN_STATES)
        aggregates |= {
            f"{period.key}_orders": Count("pk", filter=done),
            f"{period.key}_revenue": _money_sum("total", done),
            f"{period.key}_open_orders": Count("pk", filter=still_open),
            f"{period.key}_open_amount": _money_sum("total", still_open),
        }
    earliest = min(period.starts_at for period in bounds)
    latest = max(period.ends_at for period in bounds)
    row = Order.objects.filter(shop=shop, placed_at__gte=earliest, placed_at__lt=latest).aggregate(
        **aggregates
    )
    return [
        PeriodFigures(
            period=period,
            orders=row[f"{period.key}_orders"],
            revenue=Decimal(row[f"{period.key}_revenue"]).quantize(CENT),
            open_orders=row[f"{period.key}_open_orders"],
            open_amount=Decimal(row[f"{period.key}_open_amount"]).quantize(CENT),
        )
        for period in bounds
    ]


@dataclass(frozen=True, slots=True)
class BestSeller:
    name: str
    quantity: int
    revenue: Decimal


def best_sellers(
    *, shop: Shop, starts_at: datetime, ends_at: datetime, by: str = "quantity", limit: int = 5
) -> list[BestSeller]:
    """The products sold most in handed-over orders, by quantity or by revenue.

    Lines are grouped by the name the customer saw (the order line's snapshot).
    """
    if by not in ("quantity", "revenue"):
        raise ValueError(f"Best sellers are ranked by quantity or revenue, not {by!r}.")
    rows = (
        OrderLine.objects.filter(
            order__shop=shop,
            order__state__in=COMPLETED_STATES,
            order__placed_at__gte=starts_at,
            order__placed_at__lt=ends_at,
        )
        .values("product_name")
        .annotate(quantity=Sum("quantity"), revenue=Sum("line_total"))
        .order_by(f"-{by}", "-quantity" if by == "revenue" else "-revenue", "product_name")[:limit]
    )
    return [
        BestSeller(
            name=row["product_name"],
            quantity=row["quantity"],
            revenue=Decimal(row["revenue"]).quantize(CENT),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class DayRevenue:
    day: date
    orders: int
    revenue: Decimal


def daily_revenue(*, shop: Shop, now: datetime, days: int = CHART_DAYS) -> list[DayRevenue]:
    """Revenue of each local day of the last `days` days (today included), zeros kept."""
    zone = shop.city.zone
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    rows = (
        Order.objects.filter(
            shop=shop,
            state__in=COMPLETED_STATES,
            placed_at__gte=_midnight(first, zone),
            placed_at__lt=_midnight(today + timedelta(days=1), zone),
        )
        .annotate(day=TruncDate("placed_at", tzinfo=zone))
        .values("day")
        .annotate(orders=Count("pk"), revenue=Sum("total"))
        .order_by("day")
    )
    by_day = {row["day"]: (row["orders"], Decimal(row["revenue"]).quantize(CENT)) for row in rows}
    return [
        DayRevenue(
            day=day, orders=by_day.get(day, (0, ZERO))[0], revenue=by_day.get(day, (0, ZERO))[1]
        )
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]


@dataclass(frozen=True, slots=True)
class Today:
    """The back office home's three figures."""

    orders: int  # placed today, refused and cancelled ones left out
    waiting: int  # placed (any day) and not yet answered
    revenue: Decimal  # handed over, placed today


def today_at_a_glance(*, shop: Shop, now: datetime) -> Today:
    today = periods(shop.city.zone, now)[0]
    within = Q(placed_at__gte=today.starts_at, placed_at__lt=today.ends_at)
    row = Order.objects.filter(shop=shop).aggregate(
        orders=Count(
            "pk", filter=within & ~Q(state__in=(OrderState.REFUSED, OrderState.CANCELLED))
        ),
        waiting=Count("pk", filter=Q(state=OrderState.PLACED)),
        revenue=_money_sum("total", within & Q(state__in=COMPLETED_STATES)),
    )
    return Today(
        orders=row["orders"],
        waiting=row["waiting"],
        revenue=Decimal(row["revenue"]).quantize(CENT),
    )

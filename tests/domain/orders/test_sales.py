"""Sales figures: exact sums, the city's day boundaries, only handed-over orders."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from comptoir.domain.orders.models import OrderState
from comptoir.domain.orders.sales import (
    BestSeller,
    best_sellers,
    daily_revenue,
    periods,
    sales_overview,
    today_at_a_glance,
)
from tests.factories import make_shop
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
#: Wednesday 11 March 2026, 10:00 in Rouen (09:00 UTC).
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)


def at(day, hour, minute=0, zone=PARIS):
    return datetime(2026, 3, day, hour, minute, tzinfo=zone)


def test_periods_start_at_local_midnight_on_today_monday_and_the_first(city):
    today, week, month = periods(PARIS, NOW)

    assert (today.starts_at, today.ends_at) == (at(11, 0), at(12, 0))
    assert (week.starts_at, week.ends_at) == (at(9, 0), at(16, 0))
    assert (month.starts_at, month.ends_at) == (
        at(1, 0),
        datetime(2026, 4, 1, 0, 0, tzinfo=PARIS),
    )
    assert today.starts_at.astimezone(UTC) == datetime(2026, 3, 10, 23, 0, tzinfo=UTC)


def test_it_sums_handed_over_orders_exactly_and_counts_open_ones_apart(shop):
    make_order(shop, placed_at=at(11, 8), total=Decimal("10.10"))
    make_order(shop, placed_at=at(11, 9), total=Decimal("0.20"), state=OrderState.DELIVERED)
    make_order(shop, placed_at=at(11, 9, 30), total=Decimal("5.00"), state=OrderState.PLACED)
    make_order(shop, placed_at=at(11, 9, 40), total=Decimal("7.00"), state=OrderState.READY)
    make_order(shop, placed_at=at(11, 9, 45), total=Decimal("99.00"), state=OrderState.REFUSED)
    make_order(shop, placed_at=at(11, 9, 50), total=Decimal("99.00"), state=OrderState.CANCELLED)
    make_order(shop, placed_at=at(11, 9, 55), total=Decimal("99.00"), state=OrderState.NO_SHOW)
    make_order(make_shop(shop.city), placed_at=at(11, 9), total=Decimal("50.00"))

    today = sales_overview(shop=shop, now=NOW)[0]

    assert (today.orders, today.revenue, today.open_orders, today.open_amount) == (
        2,
        Decimal("10.30"),
        2,
        Decimal("12.00"),
    )
    assert today.average_basket == Decimal("5.15")


def test_an_order_at_00_30_paris_counts_today_though_it_is_yesterday_in_utc(shop):
    # 23:30 UTC on the 10th is 00:30 in Paris on the 11th.
    make_order(shop, placed_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), total=Decimal("3.00"))
    # 23:59 in Paris on the 10th: yesterday.
    make_order(shop, placed_at=at(10, 23, 59), total=Decimal("4.00"))

    today, week, month = sales_overview(shop=shop, now=NOW)

    assert (today.orders, today.revenue) == (1, Decimal("3.00"))
    assert (week.orders, week.revenue) == (2, Decimal("7.00"))
    assert (month.orders, month.revenue) == (2, Decimal("7.00"))


def test_the_week_starts_on_monday_even_in_the_previous_month(shop):
    now = datetime(2026, 4, 1, 12, 0, tzinfo=PARIS)  # Wednesday 1 April
    make_order(shop, placed_at=at(30, 9), total=Decimal("2.50"))  # Monday 30 March
    make_order(shop, placed_at=at(29, 23, 59), total=Decimal("9.99"))  # Sunday before

    today, week, month = sales_overview(shop=shop, now=now)

    assert (today.orders, week.orders, month.orders) == (0, 1, 0)
    assert week.revenue == Decimal("2.50")


def test_no_order_gives_zeros_and_no_average(shop):
    figures = sales_overview(shop=shop, now=NOW)

    assert [(f.orders, f.revenue, f.open_orders, f.average_basket) for f in figures] == [
        (0, Decimal("0.00"), 0, None)
    ] * 3


def test_best_sellers_rank_by_quantity_or_by_revenue(shop):
    make_order(
        shop,
        placed_at=at(10, 8),
        lines=[("Baguette", 10, Decimal("1.30")), ("Tarte aux pommes", 1, Decimal("18.00"))],
    )
    make_order(shop, placed_at=at(11, 8), lines=[("Baguette", 2, Decimal("1.30"))])
    make_order(
        shop,
        placed_at=at(11, 9),
        state=OrderState.REFUSED,
        lines=[("Tarte aux pommes", 9, Decimal("18.00"))],
    )
    month = periods(PARIS, NOW)[2]

    by_quantity = best_sellers(shop=shop, starts_at=month.starts_at, ends_at=month.ends_at)
    by_revenue = best_sellers(
        shop=shop, starts_at=month.starts_at, ends_at=month.ends_at, by="revenue"
    )

    assert by_quantity == [
        BestSeller("Baguette", 12, Decimal("15.60")),
        BestSeller("Tarte aux pommes", 1, Decimal("18.00")),
    ]
    assert by_revenue == [
        BestSeller("Tarte aux pommes", 1, Decimal("18.00")),
        BestSeller("Baguette", 12, Decimal("15.60")),
    ]


def test_daily_revenue_has_thirty_local_days_with_zeros_and_midnight_right(shop):
    make_order(shop, placed_at=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), total=Decimal("3.00"))
    make_order(shop, placed_at=at(10, 23, 59), total=Decimal("4.00"))
    make_order(shop, placed_at=at(10, 12), total=Decimal("0.10"))
    make_order(shop, placed_at=at(10, 12), total=Decimal("8.00"), state=OrderState.CANCELLED)
    make_order(shop, placed_at=datetime(2026, 2, 9, 23, 59, tzinfo=PARIS), total=Decimal("1.00"))
    make_order(shop, placed_at=datetime(2026, 2, 10, 0, 0, tzinfo=PARIS), total=Decimal("6.00"))

    days = daily_revenue(shop=shop, now=NOW)

    assert len(days) == 30
    assert (days[0].day, days[-1].day) == (date(2026, 2, 10), date(2026, 3, 11))
    assert (days[0].orders, days[0].revenue) == (1, Decimal("6.00"))
    assert (days[-2].orders, days[-2].revenue) == (2, Decimal("4.10"))
    assert (days[-1].orders, days[-1].revenue) == (1, Decimal("3.00"))
    assert sum(day.revenue for day in days) == Decimal("13.10")
    assert [day.revenue for day in days[1:-2]] == [Decimal("0.00")] * 27


def test_today_at_a_glance_counts_orders_today_waiting_ones_and_revenue(shop):
    make_order(shop, placed_at=at(10, 18), state=OrderState.PLACED, total=Decimal("4.00"))
    make_order(shop, placed_at=at(11, 8), state=OrderState.PLACED, total=Decimal("2.00"))
    make_order(shop, placed_at=at(11, 8, 30), state=OrderState.ACCEPTED, total=Decimal("2.00"))
    make_order(shop, placed_at=at(11, 9), total=Decimal("12.34"))
    make_order(shop, placed_at=at(11, 9, 30), state=OrderState.REFUSED, total=Decimal("1.00"))

    glance = today_at_a_glance(shop=shop, now=NOW)

    assert (glance.orders, glance.waiting, glance.revenue) == (3, 2, Decimal("12.34"))

"""The weekly figures: weeks in Paris time, orders, GMV, shares, vouchers, shops and churn."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from comptoir.domain.insights.figures import city_figures, last_weeks
from comptoir.domain.orders.models import Fulfilment, OrderState
from comptoir.domain.shops.models import Trade
from tests.domain.insights.support import NOW, live_shop, make_voucher, paris, set_fields
from tests.factories import make_city, make_order

pytestmark = pytest.mark.django_db


def weeks_of(city, count=2):
    return last_weeks(city=city, now=NOW, count=count)


def city_totals(city, count=2, **kwargs):
    figures = city_figures(city=city, weeks=weeks_of(city, count), now=NOW, **kwargs)
    return figures.group_weekly(figures.cells())


def test_weeks_are_iso_weeks_in_city_time_oldest_first(city):
    weeks = weeks_of(city, 3)

    assert [week.label for week in weeks] == ["2026-W09", "2026-W10", "2026-W11"]
    assert weeks[-1].monday == date(2026, 3, 9)
    assert weeks[-1].starts_at == paris(2026, 3, 9, 0, 0)
    assert weeks[0].ends_at == weeks[1].starts_at


def test_it_refuses_a_silly_number_of_weeks(city):
    with pytest.raises(ValueError, match="weeks"):
        last_weeks(city=city, now=NOW, count=0)


def test_an_order_just_after_monday_midnight_in_paris_counts_in_the_new_week(city):
    shop = live_shop(city)
    # Sunday 8 March 23:59 in Rouen, and Monday 9 March 00:30 (Sunday 23:30 UTC).
    make_order(shop, placed_at=paris(2026, 3, 8, 23, 59), state=OrderState.COLLECTED)
    make_order(shop, placed_at=paris(2026, 3, 9, 0, 30), state=OrderState.COLLECTED)
    make_order(shop, placed_at=paris(2026, 3, 9, 0, 40), state=OrderState.COLLECTED)

    last_week, this_week = city_totals(city)

    assert (last_week.orders_placed, this_week.orders_placed) == (1, 2)


def test_gmv_and_average_basket_count_handed_over_orders_only(city):
    shop = live_shop(city)
    at = paris(2026, 3, 10, 9, 0)
    make_order(
        shop,
        placed_at=at,
        state=OrderState.COLLECTED,
        total=Decimal("10.00"),
        subtotal=Decimal("10.00"),
    )
    make_order(
        shop,
        placed_at=at,
        state=OrderState.DELIVERED,
        fulfilment=Fulfilment.DELIVERY,
        delivery_line1="1 rue Jeanne-d'Arc",
        delivery_postal_code="76000",
        delivery_locality="Rouen",
        total=Decimal("25.02"),
        subtotal=Decimal("25.02"),
    )
    make_order(shop, placed_at=at, state=OrderState.REFUSED)
    make_order(shop, placed_at=at, state=OrderState.PLACED)

    this_week = city_totals(city)[-1]

    assert this_week.orders_placed == 4
    assert this_week.orders_completed == 2
    assert this_week.gmv == Decimal("35.02")
    assert this_week.average_basket == Decimal("17.51")
    assert (this_week.collect_orders, this_week.delivery_orders) == (3, 1)
    assert this_week.collect_share == Decimal("75.0")
    assert this_week.delivery_share == Decimal("25.0")


def test_no_orders_means_no_average_and_no_share(city):
    live_shop(city)

    this_week = city_totals(city)[-1]

    assert this_week.average_basket is None
    assert this_week.collect_share is None
    assert this_week.churn_rate is None or this_week.churn_rate == Decimal("0.0")


def test_vouchers_count_in_the_week_of_their_claim_and_of_their_redemption(city):
    shop = live_shop(city)
    make_voucher(shop, claimed_at=paris(2026, 3, 8, 23, 30), redeemed_at=paris(2026, 3, 9, 0, 10))
    make_voucher(shop, claimed_at=paris(2026, 3, 10, 10, 0))

    last_week, this_week = city_totals(city)

    assert (last_week.vouchers_claimed, last_week.vouchers_redeemed) == (1, 0)
    assert (this_week.vouchers_claimed, this_week.vouchers_redeemed) == (1, 1)


def test_new_shops_count_from_approval_or_else_creation(city):
    live_shop(city, approved_at=paris(2026, 3, 9, 0, 5))
    live_shop(city, approved_at=paris(2026, 3, 8, 23, 55))
    unapproved = live_shop(city, approved_at=None)
    set_fields(unapproved, created_at=paris(2026, 3, 10, 8, 0))

    last_week, this_week = city_totals(city)

    assert last_week.new_shops == 1
    assert this_week.new_shops == 2
    assert this_week.active_shops == 3
    assert last_week.active_shops == 1


def test_churn_counts_suspended_and_unpublished_shops_against_the_week_start(city):
    for _ in range(8):
        live_shop(city)
    suspended = live_shop(city)
    set_fields(suspended, is_active=False, suspended_at=paris(2026, 3, 9, 10, 0))
    unpublished = live_shop(city)
    set_fields(unpublished, is_active=False, updated_at=paris(2026, 3, 10, 10, 0))
    gone_before = live_shop(city)
    set_fields(gone_before, is_active=False, suspended_at=paris(2026, 2, 1, 10, 0))
    pending = live_shop(city, approved_at=None)
    set_fields(pending, is_active=False)  # a sign-up never approved: never live

    last_week, this_week = city_totals(city)

    assert this_week.active_at_start == 10
    assert this_week.churned == 2
    assert this_week.churn_rate == Decimal("20.0")
    assert this_week.active_shops == 8
    assert this_week.shops_covered == 10
    assert (last_week.churned, last_week.active_shops) == (0, 10)


def test_figures_of_one_shop_leave_the_others_out(city):
    mine = live_shop(city)
    other = live_shop(city)
    make_order(mine, placed_at=paris(2026, 3, 10, 9, 0), state=OrderState.COLLECTED)
    make_order(other, placed_at=paris(2026, 3, 10, 9, 0), state=OrderState.COLLECTED)
    make_voucher(other, claimed_at=paris(2026, 3, 10, 9, 0))

    this_week = city_totals(city, shop=mine)[-1]

    assert (this_week.orders_placed, this_week.vouchers_claimed, this_week.active_shops) == (
        1,
        0,
        1,
    )


def test_another_citys_figures_never_count(city):
    live_shop(city)
    elsewhere = live_shop(make_city())
    make_order(elsewhere, placed_at=paris(2026, 3, 10, 9, 0), state=OrderState.COLLECTED)

    this_week = city_totals(city)[-1]

    assert (this_week.active_shops, this_week.orders_placed) == (1, 0)


def test_cells_are_per_trade_and_postal_code(city):
    live_shop(city, trade=Trade.BAKERY, postal_code="76000")
    live_shop(city, trade=Trade.BAKERY, postal_code="76100")
    cheese = live_shop(city, trade=Trade.CHEESE, postal_code="76000")
    make_order(cheese, placed_at=paris(2026, 3, 10, 9, 0), state=OrderState.COLLECTED)

    figures = city_figures(city=city, weeks=weeks_of(city), now=NOW)

    assert figures.cells() == [("bakery", "76000"), ("bakery", "76100"), ("cheese", "76000")]
    assert figures.weekly[("cheese", "76000")][-1].orders_placed == 1
    assert figures.covered_in_period[("bakery", "76100")] == 1


def test_the_figures_take_four_queries_whatever_the_number_of_shops(
    city, django_assert_num_queries
):
    for index in range(6):
        shop = live_shop(city, postal_code=f"7600{index}")
        make_order(shop, placed_at=NOW - timedelta(days=index), state=OrderState.COLLECTED)

    with django_assert_num_queries(4):
        city_figures(city=city, weeks=weeks_of(city, 12), now=NOW)


def test_a_whole_year_of_weeks_is_read_in_the_same_four_queries(city, django_assert_num_queries):
    shop = live_shop(city)
    make_order(shop, placed_at=paris(2025, 3, 12, 9, 0), state=OrderState.COLLECTED)

    with django_assert_num_queries(4):
        figures = city_figures(city=city, weeks=weeks_of(city, 53), now=NOW)

    totals = figures.group_weekly(figures.cells())
    assert len(totals) == 53
    assert sum(week.orders_placed for week in totals) == 1
    assert totals[0].active_shops == 1

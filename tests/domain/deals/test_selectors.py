"""What customers and shops read about deals: lists, filters, vouchers, figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.deals.models import DealState, RedeemedVia
from comptoir.domain.deals.selectors import (
    VoucherStatus,
    deal_figures,
    deal_for_customer,
    deals_for_city,
    deals_of_shop,
    deals_of_shop_for_customers,
    vouchers_of,
)
from comptoir.domain.deals.services import (
    deal_count_view,
    deal_end,
    deal_hide,
    deal_pause,
    voucher_claim,
    voucher_redeem,
)
from comptoir.domain.shops.models import Trade
from tests.domain.deals.support import NOW, PARIS, make_deal
from tests.factories import make_opening_hours, make_shop, make_user
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db


def titles(deals) -> list[str]:
    return [getattr(deal, "deal", deal).title for deal in deals]


@pytest.fixture
def live_city(city):
    city.is_live = True
    city.save(update_fields=["is_live"])
    return city


def test_customers_see_only_live_started_unended_unhidden_deals_with_vouchers_left(live_city, shop):
    make_deal(shop, title="shown")
    make_deal(shop, title="soon", starts_at=NOW + timedelta(hours=1))
    make_deal(shop, title="over", ends_at=NOW, starts_at=NOW - timedelta(days=1))
    deal_pause(deal=make_deal(shop, title="paused"))
    deal_end(deal=make_deal(shop, title="ended"))
    deal_hide(deal=make_deal(shop, title="hidden"), reason="Photo trompeuse", now=NOW)
    full = make_deal(shop, title="all claimed", total_cap=1)
    voucher_claim(deal=full, customer=make_user(), now=NOW)
    unpublished = make_shop(live_city, is_active=False)
    make_deal(unpublished, title="unpublished shop")

    assert titles(deals_for_city(live_city, now=NOW)) == ["shown"]
    # The shop's page still shows a deal whose vouchers are all claimed ("all taken").
    assert titles(deals_of_shop_for_customers(shop, now=NOW)) == ["shown", "all claimed"]


def test_ending_soon_first_and_the_ending_within_filter(live_city, shop):
    make_deal(shop, title="weekend", ends_at=NOW + timedelta(days=2))
    make_deal(shop, title="tonight", ends_at=NOW + timedelta(hours=8))
    make_deal(shop, title="month", ends_at=NOW + timedelta(days=30))

    assert titles(deals_for_city(live_city, now=NOW)) == ["tonight", "weekend", "month"]
    assert titles(deals_for_city(live_city, now=NOW, ending_within=timedelta(days=3))) == [
        "tonight",
        "weekend",
    ]
    assert titles(deals_for_city(live_city, now=NOW, limit=1)) == ["tonight"]


def test_a_shop_page_lists_its_deals_ending_soonest_first_sorted_without_sql(live_city, shop):
    """Sorted in Python: Django 6.1 compiles an ORDER BY against the ~75 columns selected."""
    make_deal(shop, title="weekend", ends_at=NOW + timedelta(days=2))
    make_deal(shop, title="tonight", ends_at=NOW + timedelta(hours=8))
    make_deal(shop, title="tonight too", ends_at=NOW + timedelta(hours=8))

    with CaptureQueriesContext(connection) as queries:
        shown = deals_of_shop_for_customers(shop, now=NOW)

    assert titles(shown) == ["tonight", "tonight too", "weekend"]
    assert [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]] == []


def test_a_shop_page_reads_its_deals_alone_and_gives_them_its_shop_and_city(live_city, shop):
    """The page's shop and city are set on each deal, not joined and selected again."""
    make_deal(shop, title="tonight")

    with CaptureQueriesContext(connection) as queries:
        (deal,) = deals_of_shop_for_customers(shop, now=NOW)
        assert (deal.shop, deal.city) == (shop, live_city)
        assert deal.shop.city.is_live

    (query,) = queries.captured_queries
    assert "JOIN" not in query["sql"]
    assert "shops_shop" not in query["sql"]
    assert "cities_city" not in query["sql"]


def test_an_unpublished_shop_or_a_city_not_live_shows_no_deal_and_asks_nothing(live_city, shop):
    make_deal(shop, title="galettes")
    shop.is_active = False
    with CaptureQueriesContext(connection) as queries:
        assert deals_of_shop_for_customers(shop, now=NOW) == []
    shop.is_active, shop.city.is_live = True, False
    with CaptureQueriesContext(connection) as more:
        assert deals_of_shop_for_customers(shop, now=NOW) == []
    assert queries.captured_queries == more.captured_queries == []


def test_by_trade_and_open_now_in_city_time(live_city, shop):
    florist = make_shop(live_city, trade=Trade.FLORIST)
    # NOW is Saturday 10:00 in Rouen: the bakery opens at 7:00, the florist at 14:00.
    make_opening_hours(shop, 5, "07:00", "19:00")
    make_opening_hours(florist, 5, "14:00", "19:00")
    make_deal(shop, title="galettes")
    make_deal(florist, title="tulipes")

    assert titles(deals_for_city(live_city, now=NOW, trade=Trade.FLORIST)) == ["tulipes"]
    assert titles(deals_for_city(live_city, now=NOW, open_now=True)) == ["galettes"]
    afternoon = datetime(2026, 12, 5, 15, 0, tzinfo=PARIS)
    assert set(titles(deals_for_city(live_city, now=afternoon, open_now=True))) == {
        "galettes",
        "tulipes",
    }


def test_near_a_point_nearest_first_with_the_distance(live_city):
    here = make_shop(live_city, latitude=Decimal("49.440800"), longitude=Decimal("1.092100"))
    across = make_shop(live_city, latitude=Decimal("49.450000"), longitude=Decimal("1.092100"))
    far = make_shop(live_city, latitude=Decimal("49.600000"), longitude=Decimal("1.092100"))
    make_deal(across, title="across town", ends_at=NOW + timedelta(hours=2))
    make_deal(here, title="next door")
    make_deal(far, title="far away")

    found = deals_for_city(live_city, now=NOW, near=(49.4408, 1.0921, 3.0))

    assert titles(found) == ["next door", "across town"]
    assert found[0].distance_km == pytest.approx(0.0, abs=0.01)
    assert found[1].distance_km == pytest.approx(1.02, abs=0.02)


def test_one_deal_for_a_customer_and_not_from_another_city(live_city, shop):
    from tests.factories import make_city

    deal = make_deal(shop)
    other_city = make_city(slug="caen", name="Caen", is_live=True)

    assert deal_for_customer(live_city, deal.pk, now=NOW) == deal
    assert deal_for_customer(other_city, deal.pk, now=NOW) is None
    assert deal_for_customer(live_city, deal.pk, now=deal.ends_at) is None


def test_the_back_office_lists_live_then_paused_then_ended(shop):
    deal_end(deal=make_deal(shop, title="ended"))
    deal_pause(deal=make_deal(shop, title="paused"))
    make_deal(shop, title="live")

    assert [(d.title, d.state) for d in deals_of_shop(shop)] == [
        ("live", DealState.LIVE),
        ("paused", DealState.PAUSED),
        ("ended", DealState.ENDED),
    ]


def test_my_vouchers_usable_first_with_their_status(shop):
    anne = make_user()
    soon = make_deal(shop, title="soon over", ends_at=NOW + timedelta(hours=3))
    later = make_deal(shop, title="later", ends_at=NOW + timedelta(days=5))
    used = make_deal(shop, title="used")
    paused = make_deal(shop, title="paused")
    for deal in (later, soon, used, paused):
        voucher_claim(deal=deal, customer=anne, now=NOW)
    code = used.vouchers.get().code
    voucher_redeem(code=code, shop=shop, now=NOW)
    deal_pause(deal=paused)

    listed = [(cv.voucher.deal.title, cv.status) for cv in vouchers_of(anne, now=NOW)]

    assert listed[:2] == [("soon over", VoucherStatus.VALID), ("later", VoucherStatus.VALID)]
    assert set(listed[2:]) == {("used", VoucherStatus.USED), ("paused", VoucherStatus.NOT_NOW)}
    over = [
        (cv.voucher.deal.title, cv.status) for cv in vouchers_of(anne, now=NOW + timedelta(hours=4))
    ]
    assert ("soon over", VoucherStatus.OVER) in over
    assert vouchers_of(make_user(), now=NOW) == []


def test_figures_per_day_in_city_time_and_revenue_of_online_orders(shop):
    deal = make_deal(shop, starts_at=datetime(2026, 12, 3, 0, 0, tzinfo=PARIS))
    for _ in range(3):
        deal_count_view(deal=deal)
    # 23:30 UTC on Thursday is already Friday 00:30 in Paris; then Friday, Saturday.
    moments = [
        datetime(2026, 12, 3, 23, 30, tzinfo=UTC),
        datetime(2026, 12, 4, 9, 0, tzinfo=PARIS),
        datetime(2026, 12, 5, 9, 30, tzinfo=PARIS),
    ]
    vouchers = [voucher_claim(deal=deal, customer=make_user(), now=m) for m in moments]
    voucher_redeem(code=vouchers[0].code, shop=shop, now=moments[1])
    order = make_order(shop, placed_at=moments[2], total=Decimal("18.40"))
    voucher_redeem(
        code=vouchers[1].code, shop=shop, now=moments[2], via=RedeemedVia.ONLINE, order_id=order.pk
    )
    deal.refresh_from_db()

    figures = deal_figures(deal, now=NOW)

    assert (figures.views, figures.claims, figures.redemptions) == (3, 3, 2)
    assert (figures.in_store, figures.online_orders, figures.revenue) == (1, 1, Decimal("18.40"))
    assert [(d.day.isoformat(), d.claims, d.redemptions) for d in figures.days] == [
        ("2026-12-03", 0, 0),
        ("2026-12-04", 2, 1),
        ("2026-12-05", 1, 1),
    ]

"""“Sold out today”: one tap, until the shop's next opening; honoured wherever one can order."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from comptoir.domain.catalogue.errors import NotInShop
from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.services import (
    product_back_on_sale,
    product_mark_sold_out_today,
    sold_out_until_for,
)
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.errors import OutOfStock
from comptoir.domain.orders.models import Order
from comptoir.domain.orders.selectors import Availability, _availability, basket_view
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.domain.orders.stock import stock_decrement
from comptoir.domain.shops.models import Closure
from tests.domain.orders.support import CONTACT, NOW, collect_at, collect_shop
from tests.factories import make_opening_hours, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def test_it_lasts_until_the_next_opening_after_today(city):
    shop = make_shop(city)
    make_opening_hours(shop, 1, "07:00", "13:00")  # Tuesday
    make_opening_hours(shop, 1, "15:00", "19:30")  # Tuesday afternoon: still today
    make_opening_hours(shop, 2, "07:30", "19:30")  # Wednesday

    until = sold_out_until_for(shop, paris(2026, 3, 10, 9, 0))  # Tuesday 9:00

    assert until == paris(2026, 3, 11, 7, 30)


def test_it_skips_closed_days_and_exceptional_closures(city):
    shop = make_shop(city)
    make_opening_hours(shop, 1, "07:00", "19:00")  # Tuesdays only
    make_opening_hours(shop, 5, "08:00", "12:00")  # Saturdays
    Closure.objects.create(
        shop=shop, starts_on=paris(2026, 3, 14, 0).date(), ends_on=paris(2026, 3, 14, 0).date()
    )

    until = sold_out_until_for(shop, paris(2026, 3, 10, 18, 0))  # Tuesday evening

    assert until == paris(2026, 3, 17, 7, 0)  # not the closed Saturday: next Tuesday


def test_it_ends_at_midnight_when_no_opening_is_known(city):
    shop = make_shop(city)  # no hours at all

    until = sold_out_until_for(shop, paris(2026, 3, 10, 23, 30))

    assert until == paris(2026, 3, 11, 0, 0)
    assert until.astimezone(UTC) == datetime(2026, 3, 10, 23, 0, tzinfo=UTC)


def test_it_counts_today_in_the_city_zone_not_in_utc(city):
    shop = make_shop(city)
    make_opening_hours(shop, 2, "07:00", "19:00")  # Wednesday
    # Tuesday 23:30 UTC is already Wednesday 0:30 in Paris: "today" is Wednesday.
    until = sold_out_until_for(shop, datetime(2026, 3, 10, 23, 30, tzinfo=UTC))

    assert until == paris(2026, 3, 18, 7, 0)


def test_it_marks_and_unmarks_a_product(city):
    shop = make_shop(city)
    product = make_product(shop, stock=None)

    product_mark_sold_out_today(product=product, now=timezone.now(), shop=shop)
    product.refresh_from_db()
    assert product.sold_out_until is not None
    assert product.is_sold_out_today
    assert product.is_sold_out

    product_back_on_sale(product=product, shop=shop)
    product.refresh_from_db()
    assert product.sold_out_until is None
    assert not product.is_sold_out


def test_it_refuses_a_product_of_another_shop(city):
    product = make_product(make_shop(city))
    other = make_shop(city)

    with pytest.raises(NotInShop):
        product_mark_sold_out_today(product=product, now=timezone.now(), shop=other)
    with pytest.raises(NotInShop):
        product_back_on_sale(product=product, shop=other)

    assert Product.objects.get(pk=product.pk).sold_out_until is None


def test_a_past_sold_out_until_is_on_sale_again(city):
    product = make_product(make_shop(city), sold_out_until=timezone.now() - timedelta(minutes=1))

    assert not product.is_sold_out_today
    assert not product.is_sold_out


def test_the_basket_shows_it_sold_out_until_then(city):
    shop = collect_shop(city)
    product = make_product(shop, stock=None, sold_out_until=NOW + timedelta(hours=2))
    customer = make_user()
    basket = basket_for(city=city, user=customer, create=True)
    basket_add(basket=basket, product=product)

    [line] = basket_view(basket, NOW).shops[0].lines
    assert line.availability == Availability.SOLD_OUT
    assert _availability(product, 1, NOW + timedelta(hours=3)) == (Availability.AVAILABLE, None)


def test_stock_decrement_refuses_it_even_when_made_to_order(city):
    shop = collect_shop(city)
    counted = make_product(shop, stock=5, sold_out_until=NOW + timedelta(hours=2))
    unlimited = make_product(shop, stock=None, sold_out_until=NOW + timedelta(hours=2))

    with pytest.raises(OutOfStock) as refused, transaction.atomic():
        stock_decrement(quantities={counted: 1, unlimited: 1}, now=NOW)

    assert [(s.product_id, s.available) for s in refused.value.shortfalls] == [
        (counted.pk, 0),
        (unlimited.pk, 0),
    ]
    assert Product.objects.get(pk=counted.pk).stock == 5


def test_stock_decrement_takes_it_again_once_the_time_is_past(city):
    shop = collect_shop(city)
    product = make_product(shop, stock=5, sold_out_until=NOW - timedelta(seconds=1))

    with transaction.atomic():
        stock_decrement(quantities={product: 2}, now=NOW)

    assert Product.objects.get(pk=product.pk).stock == 3


def test_checkout_refuses_a_basket_with_a_product_sold_out_today(city):
    shop = collect_shop(city)
    product = make_product(shop, price=Decimal("2.00"), stock=None)
    customer = make_user()
    basket = basket_for(city=city, user=customer, create=True)
    basket_add(basket=basket, product=product)
    Product.objects.filter(pk=product.pk).update(sold_out_until=NOW + timedelta(hours=5))

    with pytest.raises(OutOfStock):
        checkout_place(
            basket=basket,
            token="sold-out-today",
            contact=CONTACT,
            choices={shop.pk: collect_at()},
            expected={product.pk: (Decimal("2.00"), 1)},
            now=NOW,
            customer=customer,
        )

    assert Order.objects.count() == 0
    assert basket.lines.count() == 1

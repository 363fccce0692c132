from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.models import BasketLine, Checkout, Order, OrderLine
from comptoir.domain.orders.selectors import (
    Availability,
    basket_item_count,
    basket_lines,
    basket_view,
    customer_orders,
    order_for_customer,
    orders_of_checkout,
)
from comptoir.domain.orders.services import basket_add, basket_for
from tests.domain.orders.support import NOW
from tests.domain.orders.test_checkout import place
from tests.factories import make_city, make_product, make_shop, make_user


def test_it_shows_an_empty_basket_when_there_is_none():
    view = basket_view(None, NOW)

    assert (view.shops, view.subtotal, view.item_count, view.can_be_ordered) == (
        [],
        Decimal("0.00"),
        0,
        False,
    )


def test_it_groups_lines_by_shop_with_subtotals_and_delivery_minimum(
    scene, django_assert_num_queries
):
    with django_assert_num_queries(1):
        view = basket_view(scene.basket, NOW)

    bakery, cheese = view.shops
    assert bakery.shop == scene.bakery
    assert [(line.product, line.quantity, line.line_total) for line in bakery.lines] == [
        (scene.baguette, 2, Decimal("2.60")),
        (scene.croissant, 3, Decimal("3.45")),
    ]
    assert bakery.totals.subtotal == Decimal("6.05")
    assert cheese.totals.subtotal == Decimal("17.80")
    assert (cheese.delivery_minimum, cheese.delivery_missing) == (Decimal("10.00"), Decimal("0"))
    assert (view.subtotal, view.item_count, view.can_be_ordered) == (Decimal("23.85"), 7, True)


def test_a_basket_and_its_lines_are_read_without_an_order_by(scene):
    """Each basket tap and each checkout page reads them: no ORDER BY for Django 6.1 to compile.

    It compiles one against every column selected, ~70 for the lines with their
    products, shops and cities. The lines are sorted in Python (shops by name,
    lines as added: the test above), and a basket is unique per owner and city.
    """
    with CaptureQueriesContext(connection) as queries:
        basket = basket_for(city=scene.city, user=scene.customer)
        basket_view(basket, NOW)

    assert basket == scene.basket
    assert [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]] == []


def test_it_says_how_much_is_missing_for_delivery(city):
    shop = make_shop(city, delivery_enabled=True, delivery_minimum=Decimal("15.00"))
    basket = basket_for(city=city, user=make_user(), create=True)
    basket_add(basket=basket, product=make_product(shop, price=Decimal("4.50")), quantity=2)

    (part,) = basket_view(basket, NOW).shops

    assert part.delivery_missing == Decimal("6.00")


def test_it_flags_lines_sold_out_short_or_withdrawn(scene):
    Product.objects.filter(pk=scene.baguette.pk).update(stock=0)
    Product.objects.filter(pk=scene.croissant.pk).update(stock=1)
    Product.objects.filter(pk=scene.comte.pk).update(is_active=False)

    view = basket_view(scene.basket, NOW)

    assert [
        (line.product.pk, line.availability, line.available)
        for part in view.shops
        for line in part.lines
    ] == [
        (scene.baguette.pk, Availability.SOLD_OUT, None),
        (scene.croissant.pk, Availability.FEWER_LEFT, 1),
        (scene.comte.pk, Availability.NOT_ON_SALE, None),
    ]
    assert view.can_be_ordered is False


def test_it_flags_a_pre_order_whose_day_is_past(scene):
    Product.objects.filter(pk=scene.comte.pk).update(preorder_on=NOW.date().replace(day=9))

    view = basket_view(scene.basket, NOW)

    assert view.shops[1].lines[0].availability == Availability.NOT_ON_SALE


def test_it_lists_a_customers_orders_newest_first_with_shop_and_city(
    scene, django_assert_num_queries
):

    place(scene)
    Order.objects.filter(shop=scene.cheese).update(placed_at=NOW + timedelta(minutes=5))
    make_user(email="other@example.fr")

    with django_assert_num_queries(1):
        orders = [(o.shop.name, o.city.slug) for o in customer_orders(scene.customer)]

    assert orders == [("Fromagerie du Vieux-Marché", "rouen"), ("Boulangerie Jeanne", "rouen")]
    assert list(customer_orders(make_user(email="nobody@example.fr"))) == []


def test_it_reads_one_customers_order_with_lines_and_events_in_three_queries(
    scene, django_assert_num_queries
):

    place(scene)
    number = Order.objects.get(shop=scene.bakery).number

    with django_assert_num_queries(3):
        order = order_for_customer(scene.customer, number)
        assert order is not None
        seen = (
            order.shop.name,
            order.city.slug,
            [line.product_name for line in order.lines.all()],
            [event.to_state for event in order.events.all()],
        )

    assert seen == ("Boulangerie Jeanne", "rouen", ["Baguette tradition", "Croissant"], ["placed"])


def test_it_finds_no_order_of_another_customer(scene):

    place(scene)
    number = Order.objects.get(shop=scene.bakery).number

    assert order_for_customer(make_user(email="other@example.fr"), number) is None
    assert order_for_customer(scene.customer, "NOPE-0000") is None


def test_the_header_badge_counts_the_items_of_the_visitors_basket_in_the_city(city):
    """Its own statement (every storefront page asks it): checked against the baskets' owners."""
    shop = make_shop(city)
    bread, cake = make_product(shop, stock=None), make_product(shop, stock=None)
    customer, other = make_user(), make_user()
    mine = basket_for(city=city, user=customer, create=True)
    basket_add(basket=mine, product=bread, quantity=2)
    basket_add(basket=mine, product=cake, quantity=3)
    basket_add(basket=basket_for(city=city, user=other, create=True), product=bread)
    anonymous = basket_for(city=city, session_key="k" * 32, create=True)
    basket_add(basket=anonymous, product=cake, quantity=4)
    elsewhere = make_shop(make_city(slug="caen"))
    caen = basket_for(city=elsewhere.city, user=customer, create=True)
    basket_add(basket=caen, product=make_product(elsewhere, stock=None), quantity=9)

    def count(*, user: User | None = None, session_key: str | None = None) -> int:
        return basket_item_count(city_id=city.pk, user=user, session_key=session_key)

    stranger = make_user()
    with CaptureQueriesContext(connection) as queries:
        assert count(user=customer) == 5
        assert count(user=other) == 1
        assert count(session_key="k" * 32) == 4
        assert count(user=stranger) == 0
        assert count(session_key="z" * 32) == 0
    assert len(queries.captured_queries) == 5
    assert basket_item_count(city_id=elsewhere.city.pk, user=customer, session_key=None) == 9
    with CaptureQueriesContext(connection) as none:
        assert count() == 0
    assert none.captured_queries == []


def test_a_baskets_lines_come_with_product_shop_and_city_in_one_statement(scene):
    """Written once per process (core/lean_reads.py): values as the ORM reads them."""
    expected = {
        line.pk: line
        for line in BasketLine.objects.filter(basket=scene.basket).select_related(
            "product__shop__city"
        )
    }

    with CaptureQueriesContext(connection) as queries:
        lines = basket_lines(scene.basket)
        loaded = [(line.product, line.product.shop, line.product.shop.city) for line in lines]
    assert len(queries.captured_queries) == 1

    assert sorted(line.pk for line in lines) == sorted(expected)
    for line, (product, shop, city) in zip(lines, loaded, strict=True):
        reference = expected[line.pk]
        pairs = [
            (line, reference),
            (product, reference.product),
            (shop, reference.product.shop),
            (city, reference.product.shop.city),
        ]
        for row, wanted in pairs:
            for field in type(row)._meta.concrete_fields:
                value, other = getattr(row, field.attname), getattr(wanted, field.attname)
                assert (value, type(value)) == (other, type(other)), field.name
    # A shop's row is built once for its lines.
    bakery_lines = [line for line in lines if line.product.shop_id == scene.bakery.pk]
    assert len(bakery_lines) == 2
    assert bakery_lines[0].product.shop is bakery_lines[1].product.shop


def test_a_checkouts_orders_come_with_checkout_shop_city_and_lines_in_two_statements(scene):
    """What the confirmation e-mail reads (core/lean_reads.py): values as the ORM reads them."""
    checkout = place(scene)
    make_user(email="other@example.fr")
    expected = list(
        Order.objects.filter(checkout=checkout).select_related("checkout", "shop", "city")
    )
    expected.sort(key=lambda order: order.pk)

    with CaptureQueriesContext(connection) as queries:
        placed = orders_of_checkout(checkout.pk)
        loaded = [
            (part.order.checkout, part.order.shop, part.order.city, part.order.shop.city)
            for part in placed
        ]
    assert len(queries.captured_queries) == 2

    assert [part.order.pk for part in placed] == [order.pk for order in expected]
    assert [part.order.shop.name for part in placed] == [
        "Boulangerie Jeanne",
        "Fromagerie du Vieux-Marché",
    ]
    for part, related, reference in zip(placed, loaded, expected, strict=True):
        lines = list(OrderLine.objects.filter(order=reference).order_by("pk"))
        assert [line.pk for line in part.lines] == [line.pk for line in lines]
        pairs = [
            (part.order, reference),
            (related[0], reference.checkout),
            (related[1], reference.shop),
            (related[2], reference.city),
            *zip(part.lines, lines, strict=True),
        ]
        for row, wanted in pairs:
            for field in type(row)._meta.concrete_fields:
                value, other = getattr(row, field.attname), getattr(wanted, field.attname)
                assert (value, type(value)) == (other, type(other)), field.name
        assert related[3] is related[2]  # the shop's city is the order's, built once
    assert loaded[0][0] is loaded[1][0]  # one checkout for both orders


def test_a_checkout_without_orders_is_not_found(scene):
    place(scene)

    with pytest.raises(Checkout.DoesNotExist):
        orders_of_checkout(Checkout.objects.get().pk + 1)

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.models import Order
from comptoir.domain.orders.selectors import (
    Availability,
    basket_view,
    customer_orders,
    order_for_customer,
)
from comptoir.domain.orders.services import basket_add, basket_for
from tests.domain.orders.support import NOW
from tests.domain.orders.test_checkout import place
from tests.factories import make_product, make_shop, make_user


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

"""Concurrent checkouts (STYLE rule 8): first the race, then the guard.

The control shows that a naive read-then-write decrement oversells when two
buyers interleave (forced here with a barrier between the read and the write,
since SQLite's IMMEDIATE transactions would otherwise queue whole
transactions). The guarded tests run real checkouts from many threads at once.
"""

import threading
from decimal import Decimal

import pytest
from django.db import transaction

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.errors import IllegalTransition, OutOfStock
from comptoir.domain.orders.models import Checkout, Order, OrderEvent, OrderLine, OrderState
from comptoir.domain.orders.services import basket_add, basket_for, order_cancel_by_customer
from comptoir.domain.orders.stock import stock_decrement
from tests.concurrency import run_together
from tests.domain.orders.support import CONTACT, NOW, collect_at, collect_shop
from tests.factories import make_product, make_user

BUYERS = 20
LAST_ITEMS = 5


def stock_of(product: Product) -> int | None:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_a_read_then_write_decrement_oversells(city):
    product = make_product(collect_shop(city), stock=1)
    read_done = threading.Barrier(2)
    sold: list[int] = []

    def naive_buy() -> None:
        seen = stock_of(product)  # what a naive checkout reads…
        read_done.wait()  # …while the other buyer reads the same
        if seen is not None and seen >= 1:
            with transaction.atomic():
                Product.objects.filter(pk=product.pk).update(stock=seen - 1)
            sold.append(1)

    _, errors = run_together([naive_buy, naive_buy])

    assert errors == []
    assert len(sold) == 2  # two sold…
    assert stock_of(product) == 0  # …out of one: oversold


@pytest.mark.django_db(transaction=True)
def test_with_the_conditional_update_the_same_interleaving_sells_once(city):
    product = make_product(collect_shop(city), stock=1)
    read_done = threading.Barrier(2)

    def guarded_buy() -> None:
        stock_of(product)
        read_done.wait()
        with transaction.atomic():
            stock_decrement(quantities={product: 1})

    _, errors = run_together([guarded_buy, guarded_buy])

    assert [type(error) for error in errors] == [OutOfStock]
    assert stock_of(product) == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_of_the_last_five_items_place_exactly_five_orders(city):
    shop = collect_shop(city, slot_capacity=BUYERS)
    product = make_product(shop, price=Decimal("4.50"), stock=LAST_ITEMS)
    carts = []
    for n in range(BUYERS):
        customer = make_user()
        basket = basket_for(city=city, user=customer, create=True)
        basket_add(basket=basket, product=product)
        carts.append((n, customer, basket))

    def buy(n, customer, basket):
        return lambda: checkout_place(
            basket=basket,
            token=f"buyer-{n}",
            contact=CONTACT,
            choices={shop.pk: collect_at()},
            expected={product.pk: (Decimal("4.50"), 1)},
            now=NOW,
            customer=customer,
        )

    placed, errors = run_together([buy(*cart) for cart in carts])

    assert len(placed) == LAST_ITEMS
    assert len(errors) == BUYERS - LAST_ITEMS
    assert all(isinstance(error, OutOfStock) for error in errors), errors
    assert {error.shortfalls[0].available for error in errors if isinstance(error, OutOfStock)} == {
        0
    }
    assert stock_of(product) == 0
    assert Order.objects.count() == LAST_ITEMS
    assert Checkout.objects.count() == LAST_ITEMS
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == LAST_ITEMS


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_token_place_one_set_of_orders(scene):
    def submit():
        return checkout_place(
            basket=scene.basket,
            token="double-click",
            contact=CONTACT,
            choices=scene.choices(),
            expected=expected,
            now=NOW,
            customer=scene.customer,
        )

    expected = scene.expected()
    checkouts, errors = run_together([submit, submit, submit])

    assert errors == []
    assert len({checkout.pk for checkout in checkouts if isinstance(checkout, Checkout)}) == 1
    assert len(checkouts) == 3
    assert Checkout.objects.count() == 1
    assert Order.objects.count() == 2
    assert [stock_of(p) for p in (scene.baguette, scene.croissant, scene.comte)] == [8, 3, 2]


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_two_cancels_would_both_release_the_stock(scene):
    place_orders(scene)
    bread = Order.objects.get(shop=scene.bakery)
    read_done = threading.Barrier(2)
    released: list[int] = []

    def naive_cancel() -> None:
        state = Order.objects.values_list("state", flat=True).get(pk=bread.pk)
        read_done.wait()
        if state == OrderState.PLACED:
            with transaction.atomic():
                Order.objects.filter(pk=bread.pk).update(state=OrderState.CANCELLED)
            released.append(1)

    _, errors = run_together([naive_cancel, naive_cancel])

    assert errors == []
    assert len(released) == 2  # stock would have gone back twice


@pytest.mark.django_db(transaction=True)
def test_two_cancels_at_once_release_the_stock_once(scene):
    place_orders(scene)
    bread = Order.objects.get(shop=scene.bakery)

    def cancel():
        return order_cancel_by_customer(order=Order.objects.get(pk=bread.pk), now=NOW)

    _, errors = run_together([cancel, cancel])

    assert [type(error) for error in errors] == [IllegalTransition]
    assert [stock_of(p) for p in (scene.baguette, scene.croissant)] == [10, 6]
    assert OrderEvent.objects.filter(order=bread, to_state=OrderState.CANCELLED).count() == 1


def place_orders(scene):
    return checkout_place(
        basket=scene.basket,
        token="first",
        contact=CONTACT,
        choices=scene.choices(),
        expected=scene.expected(),
        now=NOW,
        customer=scene.customer,
    )

"""Stock +/- from the back office: one UPDATE each, never below 0, no lost tap.

The control shows that read-then-write loses a tap when two people press +
at once (forced here with a barrier between the read and the write); the
service's `stock = MAX(stock + n, 0)` UPDATE counts both.
"""

import threading
from collections.abc import Callable

import pytest
from django.db import transaction

from comptoir.domain.catalogue.errors import NotInShop, StockNotCounted
from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.services import product_adjust_stock
from tests.concurrency import run_together
from tests.factories import make_product, make_shop

TAPS = 10


def stock_of(product: Product) -> int | None:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


@pytest.mark.django_db
def test_it_adds_and_takes_away_one(shop):
    product = make_product(shop, stock=3)

    assert product_adjust_stock(product=product, delta=1) == 4
    assert product_adjust_stock(product=product, delta=-1) == 3
    assert stock_of(product) == 3
    assert product.stock == 3


@pytest.mark.django_db
def test_it_never_goes_below_zero(shop):
    product = make_product(shop, stock=1)

    assert product_adjust_stock(product=product, delta=-1) == 0
    assert product_adjust_stock(product=product, delta=-1) == 0
    assert product_adjust_stock(product=product, delta=-5) == 0
    assert stock_of(product) == 0


@pytest.mark.django_db
def test_it_refuses_a_made_to_order_product(shop):
    product = make_product(shop, stock=None)

    with pytest.raises(StockNotCounted):
        product_adjust_stock(product=product, delta=1)

    assert stock_of(product) is None


@pytest.mark.django_db
def test_it_refuses_a_product_of_another_shop(shop):
    product = make_product(shop, stock=3)

    with pytest.raises(NotInShop):
        product_adjust_stock(product=product, delta=1, shop=make_shop(shop.city))

    assert stock_of(product) == 3


@pytest.mark.django_db
def test_it_refuses_a_float_or_a_bool(shop):
    product = make_product(shop, stock=3)

    with pytest.raises(TypeError):
        product_adjust_stock(product=product, delta=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        product_adjust_stock(product=product, delta=True)

    assert stock_of(product) == 3


@pytest.mark.django_db(transaction=True)
def test_without_f_two_simultaneous_taps_lose_one(shop):
    product = make_product(shop, stock=10)
    read_done = threading.Barrier(2)

    def naive_plus_one() -> None:
        seen = stock_of(product)  # what a naive view reads…
        read_done.wait()  # …while the other tap reads the same
        with transaction.atomic():
            Product.objects.filter(pk=product.pk).update(stock=(seen or 0) + 1)

    _, errors = run_together([naive_plus_one, naive_plus_one])

    assert errors == []
    assert stock_of(product) == 11  # two taps, one counted: lost update


@pytest.mark.django_db(transaction=True)
def test_with_f_the_same_interleaving_counts_both_taps(shop):
    product = make_product(shop, stock=10)
    read_done = threading.Barrier(2)

    def plus_one() -> None:
        stock_of(product)
        read_done.wait()
        product_adjust_stock(product=Product.objects.get(pk=product.pk), delta=1)

    _, errors = run_together([plus_one, plus_one])

    assert errors == []
    assert stock_of(product) == 12


@pytest.mark.django_db(transaction=True)
def test_many_taps_at_once_all_count_and_stop_at_zero(shop):
    product = make_product(shop, stock=5)

    def tap(delta: int) -> Callable[[], object]:
        return lambda: product_adjust_stock(product=Product.objects.get(pk=product.pk), delta=delta)

    _, errors = run_together([tap(1) for _ in range(TAPS)])
    assert errors == []
    assert stock_of(product) == 5 + TAPS

    _, errors = run_together([tap(-1) for _ in range(TAPS + 8)])
    assert errors == []
    assert stock_of(product) == 0

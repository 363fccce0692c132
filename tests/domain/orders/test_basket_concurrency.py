"""Concurrent adds to one basket (STYLE rule 8): first the race, then the guard.

Two taps on "Add" (a double tap, two tabs, the app and the site) reach the
server at once. The control shows that reading the line and then writing
what was read loses one of them; `basket_add` adds in the database, in one
statement (an INSERT that adds to the line when the basket already holds the
product), so every add counts, up to the cap.
"""

import threading

import pytest
from django.db import IntegrityError, transaction

from comptoir.domain.orders.models import MAX_LINE_QUANTITY, BasketLine
from comptoir.domain.orders.services import basket_add, basket_for
from tests.concurrency import run_together
from tests.domain.orders.support import collect_shop
from tests.factories import make_product, make_user

ADDERS = 8


def quantity_of(basket, product) -> int | None:
    return (
        BasketLine.objects.filter(basket=basket, product=product)
        .values_list("quantity", flat=True)
        .first()
    )


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_reading_the_line_then_writing_it_loses_an_add(city):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(collect_shop(city), stock=None)
    read_done = threading.Barrier(2)

    def naive_add() -> None:
        line = BasketLine.objects.filter(basket=basket, product=product).first()
        read_done.wait()  # the other tap reads the same: no line yet
        with transaction.atomic():
            if line is None:
                BasketLine.objects.create(
                    city_id=city.pk, basket=basket, product=product, quantity=1
                )
            else:
                BasketLine.objects.filter(pk=line.pk).update(quantity=line.quantity + 1)

    _, errors = run_together([naive_add, naive_add])

    assert [type(error) for error in errors] == [IntegrityError]  # one tap refused…
    assert quantity_of(basket, product) == 1  # …and its add lost


@pytest.mark.django_db(transaction=True)
def test_adds_at_the_same_moment_all_count(city):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(collect_shop(city), stock=None)

    def add() -> int:
        return basket_add(basket=basket, product=product).quantity

    results, errors = run_together([add] * ADDERS)

    assert errors == []
    assert quantity_of(basket, product) == ADDERS
    assert BasketLine.objects.filter(basket=basket).count() == 1
    # Each add saw the line as it left it: the quantities 1…8, once each.
    assert sorted(results) == list(range(1, ADDERS + 1))


@pytest.mark.django_db(transaction=True)
def test_adds_at_the_same_moment_stop_at_the_cap(city):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(collect_shop(city), stock=None)

    def add() -> int:
        return basket_add(basket=basket, product=product, quantity=60).quantity

    results, errors = run_together([add, add])

    assert errors == []
    assert sorted(results) == [60, MAX_LINE_QUANTITY]
    assert quantity_of(basket, product) == MAX_LINE_QUANTITY

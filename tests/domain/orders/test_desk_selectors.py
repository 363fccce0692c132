from datetime import date, datetime, timedelta

import pytest

from comptoir.domain.orders.desk_selectors import (
    PrepItem,
    desk_orders,
    desk_search,
    order_for_shop,
    prep_list,
    waiting_count,
)
from comptoir.domain.orders.errors import OrderNotFound
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.shops.models import Shop
from tests.domain.orders.support import PARIS
from tests.factories import make_order, make_product, make_shop

S = OrderState


def at(hour, minute=0, day=10):
    return datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


NOW = at(12, 0)
PLACED_AT = at(9, 0)
SLOT_AT = at(13, 0)


@pytest.fixture
def bakery(city):
    return Shop.objects.select_related("city").get(pk=make_shop(city, name="Boulangerie").pk)


@pytest.fixture
def other(city):
    return make_shop(city, name="Fromagerie")


def order(shop, state=S.PLACED, *, placed=PLACED_AT, slot=SLOT_AT, updated=None, **fields):
    made = make_order(shop, state=state, placed_at=placed, slot_starts_at=slot, **fields)
    if updated is not None:
        Order.objects.filter(pk=made.pk).update(updated_at=updated)
    return made


def numbers(orders):
    return [o.number for o in orders]


def test_the_desk_shows_columns_in_working_order_each_sorted_for_the_job(bakery, other):
    late = order(bakery, placed=at(9, 30))
    early = order(bakery, placed=at(9, 10))
    yesterday_waiting = order(bakery, placed=at(18, 0, day=9), slot=at(9, 0, day=11))
    soon = order(bakery, S.ACCEPTED, ready_by=at(12, 20))
    later = order(bakery, S.ACCEPTED, ready_by=at(12, 45))
    no_ready_by = order(bakery, S.ACCEPTED, slot=at(12, 30))
    next_week = order(bakery, S.ACCEPTED, slot=at(10, 0, day=17), ready_by=at(10, 0, day=17))
    ready = order(bakery, S.READY, slot=at(12, 15))
    out = order(bakery, S.OUT_FOR_DELIVERY, slot=at(12, 0))
    done_early = order(bakery, S.COLLECTED, updated=at(10, 0))
    done_late = order(bakery, S.REFUSED, updated=at(11, 0))
    order(bakery, S.COLLECTED, placed=at(9, 0, day=9), updated=at(23, 59, day=9))  # yesterday
    order(other)

    board = desk_orders(shop=bakery, now=NOW)

    assert numbers(board.placed) == numbers([yesterday_waiting, early, late])
    assert numbers(board.accepted) == numbers([soon, no_ready_by, later, next_week])
    assert numbers(board.ready) == [ready.number]
    assert numbers(board.out_for_delivery) == [out.number]
    assert numbers(board.finished) == numbers([done_late, done_early])
    assert [column.key for column in board.columns] == [
        "placed",
        "accepted",
        "ready",
        "out_for_delivery",
        "finished",
    ]
    assert board.columns[0].orders == board.placed
    assert board.waiting == 3


def test_today_starts_at_midnight_in_the_citys_zone(bakery):
    # 00:30 in Paris is still the 9th in UTC (23:30): the city's midnight counts.
    after_midnight = order(bakery, S.COLLECTED, updated=at(0, 30))
    order(bakery, S.COLLECTED, updated=at(23, 50, day=9))

    board = desk_orders(shop=bakery, now=NOW)

    assert numbers(board.finished) == [after_midnight.number]


def test_the_desk_loads_every_column_with_lines_in_two_queries(bakery, django_assert_num_queries):
    for state in (S.PLACED, S.ACCEPTED, S.READY, S.COLLECTED, S.PLACED, S.ACCEPTED):
        order(bakery, state, updated=at(11, 0), lines=[(make_product(bakery), 2)])

    with django_assert_num_queries(2):
        board = desk_orders(shop=bakery, now=NOW)
        lines = [
            (line.product_name, line.quantity, o.shop.city.zone.key)
            for column in board.columns
            for o in column.orders
            for line in o.lines.all()
        ]

    assert len(lines) == 6


def test_waiting_count_counts_only_this_shops_placed_orders(bakery, other):
    order(bakery)
    order(bakery)
    order(bakery, S.ACCEPTED)
    order(other)

    assert waiting_count(shop=bakery) == 2


def test_it_finds_an_order_of_the_shop_by_number_with_lines_and_events(
    bakery, django_assert_num_queries
):
    made = order(bakery)

    with django_assert_num_queries(3):
        found = order_for_shop(shop=bakery, number=f" {made.number.lower()} ")
        assert [line.quantity for line in found.lines.all()] == [1]
        assert [(e.to_state, e.actor) for e in found.events.all()] == [(S.PLACED, None)]

    assert found == made


def test_another_shops_order_is_not_found(bakery, other):
    theirs = order(other)

    with pytest.raises(OrderNotFound) as caught:
        order_for_shop(shop=bakery, number=theirs.number)

    assert caught.value.code == "order_not_found"
    assert caught.value.params == {"number": theirs.number}


def test_search_finds_a_pickup_code_however_it_is_typed(bakery, other):
    made = order(bakery)
    order(other, pickup_code=made.pickup_code)  # another shop's order, same code
    code = made.pickup_code

    for typed in (code, code.lower(), f"{code[:3]}-{code[3:]}", f" {code[:3]} {code[3:]} "):
        assert numbers(desk_search(shop=bakery, query=typed)) == [made.number]


def test_search_finds_a_customer_name_or_a_part_of_the_number(bakery, other):
    anne = order(bakery, contact_name="Anne Leroux", placed=at(9, 0))
    anna = order(bakery, contact_name="Annabelle Roy", placed=at(10, 0))
    order(bakery, contact_name="Paul Martin")
    order(other, contact_name="Anne Autre")

    assert numbers(desk_search(shop=bakery, query="ANN")) == [anna.number, anne.number]
    assert numbers(desk_search(shop=bakery, query=anne.number[-4:].lower())) == [anne.number]
    assert desk_search(shop=bakery, query="   ") == []


def test_search_returns_at_most_its_limit_latest_first(bakery):
    made = [order(bakery, placed=at(8, 0) + timedelta(minutes=n)) for n in range(4)]

    found = desk_search(shop=bakery, query="Camille", limit=3)

    assert numbers(found) == numbers(made[::-1][:3])


def test_the_prep_list_adds_up_placed_and_accepted_orders_of_the_day_per_slot(bakery, other):
    baguette = make_product(bakery, name="Baguette")
    croissant = make_product(bakery, name="Croissant", unit="piece")
    order(bakery, slot=at(8, 0), lines=[(baguette, 2), (croissant, 3)])
    order(bakery, S.ACCEPTED, slot=at(8, 0), lines=[(baguette, 1)])
    order(bakery, S.ACCEPTED, slot=at(12, 0), lines=[(croissant, 6)])
    order(bakery, S.READY, slot=at(12, 0), lines=[(baguette, 50)])  # made already
    order(bakery, S.CANCELLED, slot=at(12, 0), lines=[(baguette, 50)])
    order(bakery, slot=at(8, 0, day=11), lines=[(baguette, 50)])  # tomorrow
    order(other, slot=at(8, 0), lines=[(make_product(other, name="Baguette"), 50)])

    prep = prep_list(shop=bakery, day=date(2026, 3, 10))

    assert prep.day == date(2026, 3, 10)
    assert prep.items == [PrepItem("Baguette", baguette.unit, 3), PrepItem("Croissant", "piece", 9)]
    assert [(slot.starts_at, slot.items) for slot in prep.slots] == [
        (at(8, 0), [PrepItem("Baguette", baguette.unit, 3), PrepItem("Croissant", "piece", 3)]),
        (at(12, 0), [PrepItem("Croissant", "piece", 6)]),
    ]


def test_the_prep_list_is_one_query(bakery, django_assert_num_queries):
    order(bakery, slot=at(8, 0))

    with django_assert_num_queries(1):
        prep_list(shop=bakery, day=date(2026, 3, 10))

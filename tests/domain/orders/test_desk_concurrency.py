"""Two desks at once (STYLE rule 8): first the race, then the compare-and-set that stops it.

The controls show what a naive "read the state, then write" hand-over does
when two devices interleave (forced with a barrier between the read and the
write): both hand the order over. The guarded tests run the real services
from several threads, after the same forced interleaving.
"""

import threading

import pytest
from django.db import transaction

from comptoir.domain.orders.desk import (
    default_ready_by,
    order_accept,
    order_hand_over,
    order_mark_ready,
    order_refuse,
)
from comptoir.domain.orders.errors import IllegalTransition
from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from comptoir.domain.orders.services import order_cancel_by_customer
from tests.concurrency import run_together
from tests.domain.orders.desk_support import place_orders
from tests.domain.orders.support import NOW
from tests.domain.orders.test_checkout import stocks
from tests.factories import make_user

S = OrderState

pytestmark = pytest.mark.django_db(transaction=True)


def ready_bread(scene):
    bread, _ = place_orders(scene)
    staff = make_user()
    order_accept(order=bread, actor=staff, ready_by=default_ready_by(bread, NOW), now=NOW)
    order_mark_ready(order=bread, actor=staff, now=NOW)
    return bread


def collected_events(order):
    return OrderEvent.objects.filter(order=order, to_state=S.COLLECTED).count()


def test_without_the_compare_and_set_two_devices_both_hand_the_order_over(scene):
    bread = ready_bread(scene)
    read_done = threading.Barrier(2)
    handed: list[int] = []

    def naive_hand_over() -> None:
        state = Order.objects.values_list("state", flat=True).get(pk=bread.pk)
        read_done.wait()  # the other device reads "ready" too
        if state == S.READY:
            with transaction.atomic():
                Order.objects.filter(pk=bread.pk).update(state=S.COLLECTED)
                OrderEvent.objects.create(
                    city_id=bread.city_id,
                    order=bread,
                    from_state=S.READY,
                    to_state=S.COLLECTED,
                    at=NOW,
                )
            handed.append(1)

    _, errors = run_together([naive_hand_over, naive_hand_over])

    assert errors == []
    assert len(handed) == 2  # handed over twice…
    assert collected_events(bread) == 2  # …and recorded twice


def test_with_the_compare_and_set_the_same_interleaving_hands_over_once(scene):
    bread = ready_bread(scene)
    read_done = threading.Barrier(2)
    devices = [make_user(), make_user()]

    def hand_over_from(device):
        def run():
            order = Order.objects.get(pk=bread.pk)  # both devices show "ready"
            read_done.wait()
            return order_hand_over(
                order=order, actor=device, pickup_code=bread.pickup_code.lower(), now=NOW
            )

        return run

    handed, errors = run_together([hand_over_from(device) for device in devices])

    assert len(handed) == 1
    assert [type(error) for error in errors] == [IllegalTransition]
    assert isinstance(errors[0], IllegalTransition)
    assert errors[0].state == S.COLLECTED
    assert Order.objects.get(pk=bread.pk).state == S.COLLECTED
    assert collected_events(bread) == 1


def test_a_shop_accepting_while_the_customer_cancels_ends_one_way_only(scene):
    bread, _ = place_orders(scene)
    staff = make_user()
    read_done = threading.Barrier(2)

    def accept():
        order = Order.objects.get(pk=bread.pk)
        read_done.wait()
        return order_accept(
            order=order, actor=staff, ready_by=default_ready_by(order, NOW), now=NOW
        )

    def cancel():
        order = Order.objects.get(pk=bread.pk)
        read_done.wait()
        return order_cancel_by_customer(order=order, now=NOW)

    done, errors = run_together([accept, cancel])

    assert len(done) == 1
    assert [type(error) for error in errors] == [IllegalTransition]
    state = Order.objects.get(pk=bread.pk).state
    assert state in (S.ACCEPTED, S.CANCELLED)
    assert OrderEvent.objects.filter(order=bread).exclude(to_state=S.PLACED).count() == 1
    # Stock went back only if the cancel won.
    assert stocks(scene.baguette, scene.croissant) == ([10, 6] if state == S.CANCELLED else [8, 3])


def test_two_staff_refusing_at_once_release_the_stock_once(scene):
    bread, _ = place_orders(scene)
    read_done = threading.Barrier(2)

    def refuse_as(staff):
        def run():
            order = Order.objects.get(pk=bread.pk)
            read_done.wait()
            return order_refuse(order=order, actor=staff, reason="Rupture", now=NOW)

        return run

    done, errors = run_together([refuse_as(make_user()), refuse_as(make_user())])

    assert len(done) == 1
    assert [type(error) for error in errors] == [IllegalTransition]
    assert stocks(scene.baguette, scene.croissant) == [10, 6]
    assert OrderEvent.objects.filter(order=bread, to_state=S.REFUSED).count() == 1

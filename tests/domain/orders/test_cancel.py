import pytest
from django.db import transaction
from django.utils import translation

from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import DailyQuotaUsage, SlotBooking
from comptoir.domain.orders.errors import IllegalTransition, TransactionRequired
from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from comptoir.domain.orders.services import order_cancel_by_customer
from comptoir.domain.orders.stock import stock_decrement, stock_release
from comptoir.domain.orders.transitions import TRANSITIONS, order_transition
from tests.domain.orders.support import NOW
from tests.domain.orders.test_checkout import place, stocks


def placed_orders(scene):
    Product.objects.filter(pk=scene.croissant.pk).update(daily_quota=5)
    checkout = place(scene)
    return list(Order.objects.filter(checkout=checkout).order_by("shop_id"))


def test_it_cancels_a_placed_order_and_gives_everything_back(scene):
    bread, cheese = placed_orders(scene)

    order_cancel_by_customer(order=bread, actor=scene.customer, now=NOW)

    bread.refresh_from_db()
    assert bread.state == OrderState.CANCELLED
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 2]
    assert sorted(SlotBooking.objects.values_list("kind", "booked")) == [
        ("collect", 0),
        ("delivery", 1),
    ]
    assert list(DailyQuotaUsage.objects.values_list("used", flat=True)) == [0]
    assert list(bread.events.values_list("from_state", "to_state", "actor", "at")) == [
        ("", OrderState.PLACED, scene.customer.pk, NOW),
        (OrderState.PLACED, OrderState.CANCELLED, scene.customer.pk, NOW),
    ]
    assert Order.objects.get(pk=cheese.pk).state == OrderState.PLACED


def test_it_leaves_made_to_order_products_unlimited_and_survives_a_deleted_product(scene):
    Product.objects.filter(pk=scene.baguette.pk).update(stock=None)
    bread, _ = placed_orders(scene)
    Product.objects.filter(pk=scene.croissant.pk).delete()

    order_cancel_by_customer(order=bread, now=NOW)

    assert stocks(scene.baguette) == [None]
    assert Order.objects.get(pk=bread.pk).state == OrderState.CANCELLED


@pytest.mark.parametrize("state", [s for s in OrderState if s != OrderState.PLACED])
def test_it_refuses_to_cancel_an_order_past_placed_and_changes_nothing(scene, state):
    bread, _ = placed_orders(scene)
    Order.objects.filter(pk=bread.pk).update(state=state)

    with pytest.raises(IllegalTransition) as caught:
        order_cancel_by_customer(order=bread, now=NOW)

    assert caught.value.state == state
    assert caught.value.code == "illegal_transition"
    assert Order.objects.get(pk=bread.pk).state == state
    assert stocks(scene.baguette, scene.croissant) == [8, 3]
    assert OrderEvent.objects.filter(order=bread).count() == 1
    assert SlotBooking.objects.get(kind="collect").booked == 1


def test_it_names_the_current_state_in_the_message(scene):
    bread, _ = placed_orders(scene)
    order_cancel_by_customer(order=bread, now=NOW)

    with pytest.raises(IllegalTransition) as caught:
        order_cancel_by_customer(order=bread, now=NOW)

    with translation.override("en"):
        assert (
            str(caught.value) == f"Order {bread.number} is Cancelled: it cannot be cancelled now."
        )
    assert stocks(scene.baguette, scene.croissant) == [10, 6]


def test_the_table_lets_every_transition_run_and_only_those(scene):
    bread, _ = placed_orders(scene)

    for source, targets in TRANSITIONS.items():
        for target in OrderState:
            Order.objects.filter(pk=bread.pk).update(state=source)
            bread.refresh_from_db()
            if target in targets:
                with transaction.atomic():
                    order_transition(order=bread, to_state=target, now=NOW)
                assert Order.objects.get(pk=bread.pk).state == target
            else:
                with pytest.raises(IllegalTransition), transaction.atomic():
                    order_transition(order=bread, to_state=target, now=NOW)
                assert Order.objects.get(pk=bread.pk).state == source


@pytest.mark.django_db(transaction=True)
def test_lock_helpers_refuse_to_run_outside_a_transaction(scene):
    bread, _ = placed_orders(scene)

    with pytest.raises(TransactionRequired):
        order_transition(order=bread, to_state=OrderState.ACCEPTED, now=NOW)
    with pytest.raises(TransactionRequired):
        stock_decrement(quantities={scene.baguette: 1})
    with pytest.raises(TransactionRequired):
        stock_release(quantities={scene.baguette.pk: 1})

    assert Order.objects.get(pk=bread.pk).state == OrderState.PLACED
    assert stocks(scene.baguette) == [8]

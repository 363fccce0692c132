import asyncio
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction

from comptoir.core.event_bus import set_bus
from comptoir.core.event_bus.inprocess import InProcessBus
from comptoir.core.events import shop_channel
from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import DailyQuotaUsage, SlotBooking
from comptoir.domain.orders.desk import (
    default_ready_by,
    order_accept,
    order_hand_over,
    order_mark_delivered,
    order_mark_no_show,
    order_mark_ready,
    order_refuse,
    order_send_out,
)
from comptoir.domain.orders.errors import (
    IllegalTransition,
    NoShowTooEarly,
    NotACollection,
    NotADelivery,
    OrderNotFound,
    ReadyByInvalid,
    RefusalReasonRequired,
    WrongPickupCode,
)
from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from comptoir.domain.orders.services import order_cancel_by_customer
from comptoir.domain.shops.models import Role, Shop
from tests.domain.orders.desk_support import bus_fixture, moved, place_orders  # noqa: F401
from tests.domain.orders.support import COLLECT_AT, NOW, PARIS
from tests.domain.orders.test_checkout import stocks
from tests.factories import make_membership, make_user

S = OrderState


class Boom(Exception):
    pass


@pytest.fixture
def staff(scene):
    return make_membership(scene.bakery, make_user(email="lea@example.fr"), role=Role.STAFF)


def events_of(order):
    return list(
        OrderEvent.objects.filter(order=order).values_list("from_state", "to_state", "reason")
    )


def state_of(order):
    return Order.objects.values_list("state", flat=True).get(pk=order.pk)


def at(hour, minute=0, day=10):
    return datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


def ready(order, staff, now=NOW):
    order_accept(order=order, actor=staff.user, ready_by=default_ready_by(order, now), now=now)
    order_mark_ready(order=order, actor=staff.user, now=now)


# --- accept ------------------------------------------------------------------


def test_it_accepts_a_placed_order_with_its_ready_by_time(scene, staff, bus):
    bread, _ = place_orders(scene)

    order_accept(order=bread, actor=staff.user, ready_by=at(10, 5), now=NOW, membership=staff)

    bread.refresh_from_db()
    assert bread.state == S.ACCEPTED
    assert bread.ready_by == at(10, 5)
    event = bread.events.get(to_state=S.ACCEPTED)
    assert (event.from_state, event.actor, event.at, event.reason) == (
        S.PLACED,
        staff.user,
        NOW,
        "",
    )


def test_it_publishes_the_move_after_the_commit_on_the_shop_and_order_channels(
    scene, staff, bus, django_capture_on_commit_callbacks
):
    bread, _ = place_orders(scene)
    bus.events.clear()

    with django_capture_on_commit_callbacks(execute=True):
        order_accept(order=bread, actor=staff.user, ready_by=at(10, 5), now=NOW)
        assert bus.events == []  # nothing before the commit

    assert bus.seen() == moved(bread, S.ACCEPTED)


def test_a_rolled_back_transition_publishes_nothing_and_changes_nothing(
    scene, staff, bus, django_capture_on_commit_callbacks, mailoutbox
):
    bread, _ = place_orders(scene)
    bus.events.clear()

    def accept_then_fail() -> None:
        with transaction.atomic():
            order_accept(order=bread, actor=staff.user, ready_by=at(10, 5), now=NOW)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        accept_then_fail()

    assert callbacks == []
    assert bus.events == []
    assert mailoutbox == []
    assert state_of(bread) == S.PLACED
    assert events_of(bread) == [("", S.PLACED, "")]


@pytest.mark.parametrize(
    "ready_by",
    [
        pytest.param(at(8, 58), id="in-the-past"),
        pytest.param(at(10, 20), id="after-the-slot"),
        pytest.param(datetime(2026, 3, 10, 10, 5), id="naive"),  # noqa: DTZ001 - on purpose
    ],
)
def test_it_refuses_a_ready_by_in_the_past_or_after_the_slot(scene, staff, ready_by, bus):
    bread, _ = place_orders(scene)
    bus.events.clear()

    with pytest.raises(ReadyByInvalid) as caught:
        order_accept(order=bread, actor=staff.user, ready_by=ready_by, now=NOW)

    assert caught.value.code == "ready_by_invalid"
    assert caught.value.params == {"ends": "10:15"}
    assert caught.value.field == "ready_by"
    assert state_of(bread) == S.PLACED
    assert Order.objects.get(pk=bread.pk).ready_by is None
    assert events_of(bread) == [("", S.PLACED, "")]
    assert bus.events == []


def test_it_accepts_a_ready_by_prefilled_a_few_seconds_ago(scene, staff):
    bread, _ = place_orders(scene)

    order_accept(
        order=bread, actor=staff.user, ready_by=at(9, 0), now=at(9, 0) + timedelta(seconds=40)
    )

    assert state_of(bread) == S.ACCEPTED


def test_the_default_ready_by_is_the_slot_start_when_preparation_fits_before_it(scene):
    bread, _ = place_orders(scene)

    assert default_ready_by(bread, NOW) == COLLECT_AT


def test_the_default_ready_by_is_after_the_preparation_time_rounded_up_to_5_minutes(scene):
    bread, _ = place_orders(scene)
    Shop.objects.filter(pk=scene.bakery.pk).update(lead_time_minutes=50)
    bread = Order.objects.select_related("shop").get(pk=bread.pk)

    assert default_ready_by(bread, at(9, 11)) == at(10, 5)
    assert default_ready_by(bread, at(9, 10)) == at(10, 0)


def test_the_default_ready_by_never_passes_the_end_of_the_slot(scene):
    bread, _ = place_orders(scene)

    assert default_ready_by(bread, at(9, 55)) == at(10, 15)


def test_it_does_not_find_another_shops_order_through_a_membership(scene, bus):
    _, cheese = place_orders(scene)
    baker = make_membership(scene.bakery, role=Role.OWNER)
    bus.events.clear()

    with pytest.raises(OrderNotFound) as caught:
        order_accept(order=cheese, actor=baker.user, ready_by=at(11, 0), now=NOW, membership=baker)

    assert caught.value.code == "order_not_found"
    assert state_of(cheese) == S.PLACED
    assert bus.events == []


def test_it_refuses_to_accept_an_order_twice(scene, staff):
    bread, _ = place_orders(scene)
    order_accept(order=bread, actor=staff.user, ready_by=at(10, 0), now=NOW)

    with pytest.raises(IllegalTransition) as caught:
        order_accept(order=bread, actor=staff.user, ready_by=at(10, 10), now=NOW)

    assert caught.value.state == S.ACCEPTED
    assert Order.objects.get(pk=bread.pk).ready_by == at(10, 0)
    assert OrderEvent.objects.filter(order=bread, to_state=S.ACCEPTED).count() == 1


def test_it_cannot_accept_an_order_the_customer_cancelled(scene, staff):
    bread, _ = place_orders(scene)
    order_cancel_by_customer(order=bread, now=NOW)

    with pytest.raises(IllegalTransition):
        order_accept(order=bread, actor=staff.user, ready_by=at(10, 0), now=NOW)

    assert state_of(bread) == S.CANCELLED


# --- refuse ------------------------------------------------------------------


def test_refusing_gives_back_everything_exactly_like_a_customer_cancel(scene, staff, bus):
    Product.objects.filter(pk=scene.croissant.pk).update(daily_quota=5)
    bread, _ = place_orders(scene)
    assert stocks(scene.baguette, scene.croissant) == [8, 3]
    bus.events.clear()

    order_refuse(order=bread, actor=staff.user, reason="  Plus de croissants ce matin  ", now=NOW)

    assert state_of(bread) == S.REFUSED
    assert stocks(scene.baguette, scene.croissant, scene.comte) == [10, 6, 2]
    assert list(DailyQuotaUsage.objects.values_list("used", flat=True)) == [0]
    assert sorted(SlotBooking.objects.values_list("kind", "booked")) == [
        ("collect", 0),
        ("delivery", 1),
    ]
    assert events_of(bread) == [
        ("", S.PLACED, ""),
        (S.PLACED, S.REFUSED, "Plus de croissants ce matin"),
    ]
    assert getattr(bread.events.last(), "actor", None) == staff.user


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_it_refuses_to_refuse_without_a_reason_and_changes_nothing(scene, staff, reason):
    bread, _ = place_orders(scene)

    with pytest.raises(RefusalReasonRequired) as caught:
        order_refuse(order=bread, actor=staff.user, reason=reason, now=NOW)

    assert caught.value.code == "refusal_reason_required"
    assert caught.value.field == "reason"
    assert state_of(bread) == S.PLACED
    assert stocks(scene.baguette, scene.croissant) == [8, 3]
    assert SlotBooking.objects.get(kind="collect").booked == 1


def test_it_takes_a_reason_of_exactly_300_characters(scene, staff):
    bread, _ = place_orders(scene)

    order_refuse(order=bread, actor=staff.user, reason="x" * 300, now=NOW)

    assert state_of(bread) == S.REFUSED


def test_it_cannot_refuse_an_accepted_order_and_releases_nothing(scene, staff):
    bread, _ = place_orders(scene)
    order_accept(order=bread, actor=staff.user, ready_by=at(10, 0), now=NOW)

    with pytest.raises(IllegalTransition):
        order_refuse(order=bread, actor=staff.user, reason="Trop tard", now=NOW)

    assert state_of(bread) == S.ACCEPTED
    assert stocks(scene.baguette, scene.croissant) == [8, 3]


# --- ready, hand over, no-show ------------------------------------------------


def test_it_marks_an_accepted_order_ready(scene, staff, bus, django_capture_on_commit_callbacks):
    bread, _ = place_orders(scene)
    order_accept(order=bread, actor=staff.user, ready_by=at(10, 0), now=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_ready(order=bread, actor=staff.user, now=NOW, membership=staff)

    assert state_of(bread) == S.READY
    assert bus.seen() == moved(bread, S.READY)


def test_it_cannot_mark_a_placed_order_ready(scene, staff):
    bread, _ = place_orders(scene)

    with pytest.raises(IllegalTransition):
        order_mark_ready(order=bread, actor=staff.user, now=NOW)

    assert state_of(bread) == S.PLACED


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{spaced}", "{dashed}"])
def test_it_hands_over_with_the_code_however_it_is_typed(scene, staff, typed):
    bread, _ = place_orders(scene)
    ready(bread, staff)
    code = bread.pickup_code
    typed = typed.format(
        code=code,
        lower=code.lower(),
        spaced=f" {code[:3]} {code[3:]} ",
        dashed=f"{code[:3]}-{code[3:]}",
    )

    order_hand_over(order=bread, actor=staff.user, pickup_code=typed, now=NOW, membership=staff)

    assert state_of(bread) == S.COLLECTED
    assert getattr(bread.events.last(), "actor", None) == staff.user


def test_a_wrong_code_hands_nothing_over(scene, staff, bus):
    bread, _ = place_orders(scene)
    ready(bread, staff)
    bus.events.clear()
    wrong = "ZZZZZZ" if bread.pickup_code != "ZZZZZZ" else "YYYYYY"

    with pytest.raises(WrongPickupCode) as caught:
        order_hand_over(order=bread, actor=staff.user, pickup_code=wrong, now=NOW)

    assert caught.value.code == "wrong_pickup_code"
    assert caught.value.field == "pickup_code"
    assert state_of(bread) == S.READY
    assert OrderEvent.objects.filter(order=bread).count() == 3
    assert bus.events == []


def test_a_delivery_is_not_handed_over_at_the_counter(scene, staff):
    _, cheese = place_orders(scene)

    with pytest.raises(NotACollection) as caught:
        order_hand_over(order=cheese, actor=staff.user, pickup_code=cheese.pickup_code, now=NOW)

    assert caught.value.code == "not_a_collection"
    assert state_of(cheese) == S.PLACED


def test_it_cannot_hand_over_an_order_not_ready(scene, staff):
    bread, _ = place_orders(scene)

    with pytest.raises(IllegalTransition):
        order_hand_over(order=bread, actor=staff.user, pickup_code=bread.pickup_code, now=NOW)

    assert state_of(bread) == S.PLACED


def test_it_marks_a_no_show_once_the_slot_is_over_and_keeps_the_stock_taken(
    scene, staff, bus, django_capture_on_commit_callbacks
):
    bread, _ = place_orders(scene)
    ready(bread, staff)

    with django_capture_on_commit_callbacks(execute=True):
        order_mark_no_show(order=bread, actor=staff.user, now=at(10, 15))

    assert state_of(bread) == S.NO_SHOW
    assert stocks(scene.baguette, scene.croissant) == [8, 3]
    assert SlotBooking.objects.get(kind="collect").booked == 1
    assert events_of(bread)[-1] == (S.READY, S.NO_SHOW, "")
    assert bus.seen() == moved(bread, S.NO_SHOW)


def test_it_refuses_a_no_show_before_the_slot_ends(scene, staff):
    bread, _ = place_orders(scene)
    ready(bread, staff)

    with pytest.raises(NoShowTooEarly) as caught:
        order_mark_no_show(order=bread, actor=staff.user, now=at(10, 14))

    assert caught.value.code == "no_show_too_early"
    assert caught.value.params == {"ends": "10:15"}
    assert state_of(bread) == S.READY


def test_a_delivery_cannot_be_a_no_show(scene, staff):
    _, cheese = place_orders(scene)

    with pytest.raises(NotACollection):
        order_mark_no_show(order=cheese, actor=staff.user, now=at(23, 0))

    assert state_of(cheese) == S.PLACED


# --- delivery ------------------------------------------------------------------


def test_it_sends_a_delivery_out_then_marks_it_delivered(scene, bus):
    _, cheese = place_orders(scene)
    owner = make_membership(scene.cheese, role=Role.OWNER)
    ready(cheese, owner)
    bus.events.clear()

    order_send_out(order=cheese, actor=owner.user, now=NOW, membership=owner)
    order_mark_delivered(order=cheese, actor=owner.user, now=NOW, membership=owner)

    assert state_of(cheese) == S.DELIVERED
    assert [e[:2] for e in events_of(cheese)] == [
        ("", S.PLACED),
        (S.PLACED, S.ACCEPTED),
        (S.ACCEPTED, S.READY),
        (S.READY, S.OUT_FOR_DELIVERY),
        (S.OUT_FOR_DELIVERY, S.DELIVERED),
    ]


def test_a_collection_is_not_sent_out(scene, staff):
    bread, _ = place_orders(scene)
    ready(bread, staff)

    with pytest.raises(NotADelivery) as caught:
        order_send_out(order=bread, actor=staff.user, now=NOW)

    assert caught.value.code == "not_a_delivery"
    assert state_of(bread) == S.READY


def test_it_cannot_deliver_an_order_still_at_the_shop(scene):
    _, cheese = place_orders(scene)
    owner = make_membership(scene.cheese, role=Role.OWNER)
    ready(cheese, owner)

    with pytest.raises(IllegalTransition):
        order_mark_delivered(order=cheese, actor=owner.user, now=NOW)

    assert state_of(cheese) == S.READY


# --- placement and customer cancel events; auto-accept --------------------------


def test_placing_tells_each_shops_desk(scene, bus, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bread, cheese = place_orders(scene)

    assert bus.seen() == [
        (
            shop_channel(order.shop_id),
            "order",
            {"id": order.pk, "number": order.number, "state": "placed", "kind": "placed"},
        )
        for order in sorted([bread, cheese], key=lambda o: o.shop_id)
    ]


def test_a_customer_cancel_is_published_as_a_move(scene, bus, django_capture_on_commit_callbacks):
    bread, _ = place_orders(scene)

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel_by_customer(order=bread, actor=scene.customer, now=NOW)

    assert bus.seen() == moved(bread, S.CANCELLED)


def test_auto_accept_accepts_at_placement_and_the_desk_hears_a_placed_order(
    scene, bus, django_capture_on_commit_callbacks
):
    Shop.objects.filter(pk=scene.bakery.pk).update(auto_accept=True)

    with django_capture_on_commit_callbacks(execute=True):
        bread, cheese = place_orders(scene)

    bread.refresh_from_db()
    assert bread.state == S.ACCEPTED
    assert bread.ready_by == COLLECT_AT  # the default: slot start, after 30 min of preparation
    assert list(bread.events.values_list("from_state", "to_state", "actor", "reason", "at")) == [
        ("", S.PLACED, scene.customer.pk, "", NOW),
        (S.PLACED, S.ACCEPTED, None, "auto-accept", NOW),
    ]
    assert state_of(cheese) == S.PLACED
    assert (
        shop_channel(bread.shop_id),
        "order",
        {"id": bread.pk, "number": bread.number, "state": "accepted", "kind": "placed"},
    ) in bus.seen()
    assert len(bus.events) == 2  # one "placed" per shop, no separate "moved"


# --- the real in-process bus ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_desk_subscribed_to_the_in_process_bus_hears_the_accept(scene):
    bread, _ = place_orders(scene)
    staff_user = make_user()
    real_bus = InProcessBus()
    previous = set_bus(real_bus)

    def accept() -> None:
        try:
            order_accept(order=bread, actor=staff_user, ready_by=at(10, 0), now=NOW)
        finally:
            connection.close()

    def rolled_back() -> None:
        try:
            with transaction.atomic():
                order_refuse(order=bread, actor=staff_user, reason="Fermé", now=NOW)
                raise Boom
        except Boom:
            pass
        finally:
            connection.close()

    async def listen():
        async with real_bus.subscribe([shop_channel(bread.shop_id)]) as events:
            await asyncio.to_thread(rolled_back)
            await asyncio.to_thread(accept)
            return await asyncio.wait_for(anext(events), timeout=5)

    try:
        event = asyncio.run(listen())
    finally:
        set_bus(previous)

    # The refusal rolled back: the first event heard is the accept.
    assert (event.name, event.data) == (
        "order",
        {"id": bread.pk, "number": bread.number, "state": "accepted", "kind": "moved"},
    )

"""One tap per step: each action moves the order, or says clearly why not (never a 500)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages

from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from tests.domain.orders.support import COLLECT_AT, DELIVER_AT
from tests.interfaces.desk.conftest import HTMX, bakery_url, cheese_url, logged_in

pytestmark = pytest.mark.django_db


def order_url(scene, order, action: str) -> str:
    url = bakery_url if order.shop_id == scene.bakery.pk else cheese_url
    return url(scene, f"orders/{order.number}/{action}/")


def state_of(order) -> str:
    return Order.objects.get(pk=order.pk).state


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_accepts_with_the_ready_by_time_and_answers_with_the_board(
    scene, bread, desk_client, owner
):
    response = desk_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:05"}, **HTMX
    )

    assert response.status_code == 200
    assert "desk/_board.html" in [t.name for t in response.templates]
    order = Order.objects.get(pk=bread.pk)
    assert order.state == OrderState.ACCEPTED
    assert order.ready_by == COLLECT_AT + timedelta(minutes=5)
    event = OrderEvent.objects.get(order=bread, to_state=OrderState.ACCEPTED)
    assert event.actor == owner
    board = response.context["board"]
    assert [card.order.number for card in board.preparing] == [bread.number]
    assert board.preparing[0].notice == f"Order {bread.number} accepted."
    assert "ready by 10:05" in response.content.decode()


def test_it_accepts_without_javascript_and_redirects_to_the_desk(scene, bread, desk_client):
    response = desk_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:00"}
    )

    assert response.status_code == 302
    assert response["Location"] == bakery_url(scene)
    assert messages_of(response) == [f"Order {bread.number} accepted."]
    assert state_of(bread) == OrderState.ACCEPTED


def test_staff_can_accept(scene, bread, staff_client, staff):
    staff_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:00"}, **HTMX
    )

    assert OrderEvent.objects.get(order=bread, to_state=OrderState.ACCEPTED).actor == staff


@pytest.mark.parametrize(
    "form",
    [
        {"day": "2026-03-10", "ready_at": "10:20"},  # after the slot's end (10:15)
        {"day": "2026-03-10", "ready_at": "08:30"},  # in the past
        {"day": "2026-03-10", "ready_at": "ten"},
        {},
    ],
)
def test_it_refuses_a_ready_by_time_outside_the_slot_on_the_card(scene, bread, desk_client, form):
    response = desk_client.post(order_url(scene, bread, "accept"), form, **HTMX)

    assert response.status_code == 200
    card = response.context["board"].waiting[0]
    assert card.error == "Choose a ready-by time between now and the end of the slot (10:15)."
    assert "data-card-error" in response.content.decode()
    order = Order.objects.get(pk=bread.pk)
    assert (order.state, order.ready_by) == (OrderState.PLACED, None)


def test_it_says_when_someone_else_was_faster(scene, bread, desk_client, staff_client):
    staff_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:00"}, **HTMX
    )

    response = desk_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:10"}, **HTMX
    )

    assert response.status_code == 200
    card = response.context["board"].preparing[0]
    assert card.error == (
        f"Order {bread.number} is already accepted: someone else was faster. "
        "The board below is up to date."
    )
    assert Order.objects.get(pk=bread.pk).ready_by == COLLECT_AT
    assert OrderEvent.objects.filter(order=bread, to_state=OrderState.ACCEPTED).count() == 1


def test_it_says_above_the_board_when_the_order_left_it(scene, bread, desk_client):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.CANCELLED)

    response = desk_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:00"}, **HTMX
    )

    message = (
        f"Order {bread.number} is already cancelled: someone else was faster. "
        "The board below is up to date."
    )
    assert response.context["board_error"] == message
    assert f'<p class="desk-board__error" role="alert">{message}</p>' in response.content.decode()


def test_it_shows_the_error_as_a_message_without_javascript(scene, bread, desk_client):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.ACCEPTED)

    response = desk_client.post(
        order_url(scene, bread, "accept"), {"day": "2026-03-10", "ready_at": "10:00"}
    )

    assert response.status_code == 302
    assert messages_of(response) == [
        f"Order {bread.number} is already accepted: someone else was faster. "
        "The board below is up to date."
    ]


def test_it_refuses_with_a_quick_reason(scene, bread, desk_client, mailoutbox):
    response = desk_client.post(
        order_url(scene, bread, "refuse"), {"quick_reason": "Out of stock", "reason": ""}, **HTMX
    )

    assert response.status_code == 200
    assert state_of(bread) == OrderState.REFUSED
    assert OrderEvent.objects.get(order=bread, to_state=OrderState.REFUSED).reason == "Out of stock"
    assert [o.number for o in response.context["board"].done] == [bread.number]


def test_it_refuses_with_a_typed_reason(scene, bread, desk_client):
    desk_client.post(order_url(scene, bread, "refuse"), {"reason": "  Oven broken  "}, **HTMX)

    assert OrderEvent.objects.get(order=bread, to_state=OrderState.REFUSED).reason == "Oven broken"


def test_it_needs_a_reason_to_refuse(scene, bread, desk_client):
    response = desk_client.post(order_url(scene, bread, "refuse"), {"reason": " "}, **HTMX)

    assert response.context["board"].waiting[0].error == (
        "Tell the customer why (at most 300 characters)."
    )
    assert state_of(bread) == OrderState.PLACED
    assert not OrderEvent.objects.filter(order=bread, to_state=OrderState.REFUSED).exists()


@pytest.mark.parametrize("field", ["quick_reason", "reason"])
def test_it_refuses_a_reason_holding_a_nul_character(scene, bread, desk_client, field):
    # PostgreSQL cannot store NUL in text: this was a 500 there.
    data = {"quick_reason": "", "reason": ""} | {field: "Out\x00of stock"}

    response = desk_client.post(order_url(scene, bread, "refuse"), data, **HTMX)

    assert response.context["board"].waiting[0].error == (
        "Tell the customer why (at most 300 characters)."
    )
    assert state_of(bread) == OrderState.PLACED


def test_it_marks_an_accepted_order_ready(scene, bread, desk_client):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.ACCEPTED)

    response = desk_client.post(order_url(scene, bread, "ready"), **HTMX)

    assert state_of(bread) == OrderState.READY
    assert [c.order.number for c in response.context["board"].ready] == [bread.number]


def test_it_hands_over_with_the_pickup_code_as_typed(scene, bread, desk_client):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.READY)
    typed = f" {bread.pickup_code[:3].lower()}-{bread.pickup_code[3:]} "

    response = desk_client.post(
        order_url(scene, bread, "hand-over"), {"pickup_code": typed}, **HTMX
    )

    assert state_of(bread) == OrderState.COLLECTED
    assert [o.number for o in response.context["board"].done] == [bread.number]


def test_it_says_when_the_pickup_code_is_wrong(scene, bread, desk_client):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.READY)

    response = desk_client.post(
        order_url(scene, bread, "hand-over"), {"pickup_code": "ZZZZZZ"}, **HTMX
    )

    card = response.context["board"].ready[0]
    assert card.error == f"This is not the pickup code of order {bread.number}."
    assert state_of(bread) == OrderState.READY


def test_it_sends_out_and_delivers_a_delivery(scene, cheese, cheesemonger, clock):
    client = logged_in(cheesemonger)
    Order.objects.filter(pk=cheese.pk).update(state=OrderState.READY)

    client.post(order_url(scene, cheese, "send-out"), **HTMX)
    assert state_of(cheese) == OrderState.OUT_FOR_DELIVERY

    response = client.post(order_url(scene, cheese, "delivered"), **HTMX)
    assert state_of(cheese) == OrderState.DELIVERED
    assert [o.number for o in response.context["board"].done] == [cheese.number]


def test_it_refuses_to_send_out_a_click_and_collect(scene, bread, desk_client):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.READY)

    response = desk_client.post(order_url(scene, bread, "send-out"), **HTMX)

    assert response.context["board"].ready[0].error == (
        f"Order {bread.number} is collected at the shop, not delivered."
    )
    assert state_of(bread) == OrderState.READY


def test_it_marks_not_collected_once_the_slot_is_over(scene, bread, desk_client, clock):
    Order.objects.filter(pk=bread.pk).update(state=OrderState.READY)
    response = desk_client.post(order_url(scene, bread, "not-collected"), **HTMX)
    assert (
        response.context["board"].ready[0].error
        == "The pickup slot ends at 10:15: wait until then."
    )
    assert state_of(bread) == OrderState.READY

    clock.now = COLLECT_AT + timedelta(minutes=16)
    board = desk_client.get(bakery_url(scene, "board/"), **HTMX).context["board"]
    assert board.ready[0].slot_is_over
    desk_client.post(order_url(scene, bread, "not-collected"), **HTMX)

    assert state_of(bread) == OrderState.NO_SHOW


@pytest.mark.parametrize(
    "action", ["accept", "refuse", "ready", "hand-over", "send-out", "delivered", "not-collected"]
)
def test_it_hides_another_shops_order(scene, bread, cheese, desk_client, action):
    # The bakery's owner, on their own desk, with the cheese shop's order number.
    url = bakery_url(scene, f"orders/{cheese.number}/{action}/")

    response = desk_client.post(url, {"reason": "x", "pickup_code": cheese.pickup_code}, **HTMX)

    assert response.status_code == 404
    assert state_of(cheese) == OrderState.PLACED


@pytest.mark.parametrize("action", ["accept", "refuse", "ready"])
def test_it_hides_the_actions_from_another_shop_and_from_customers(
    scene, bread, cheesemonger, clock, action
):
    for user in (cheesemonger, scene.customer):
        response = logged_in(user).post(order_url(scene, bread, action), {"reason": "x"}, **HTMX)
        assert response.status_code == 404
    assert state_of(bread) == OrderState.PLACED


def test_actions_are_posts_only(scene, bread, desk_client):
    assert desk_client.get(order_url(scene, bread, "accept")).status_code == 405
    assert state_of(bread) == OrderState.PLACED


def test_it_needs_the_csrf_token(scene, bread, owner, clock):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(order_url(scene, bread, "refuse"), {"reason": "Closed"}, **HTMX)

    assert response.status_code == 403
    assert state_of(bread) == OrderState.PLACED


def test_it_finds_the_delivery_slot_for_deliveries(scene, cheese, cheesemonger, clock):
    client = logged_in(cheesemonger)

    response = client.post(
        order_url(scene, cheese, "accept"), {"day": "2026-03-10", "ready_at": "11:30"}, **HTMX
    )

    assert response.status_code == 200
    assert Order.objects.get(pk=cheese.pk).ready_by == DELIVER_AT + timedelta(minutes=30)

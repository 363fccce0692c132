"""An order's live status fragment: for its customer or the guest who placed it, else 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from comptoir.domain.orders.desk import (
    order_accept,
    order_hand_over,
    order_mark_ready,
    order_refuse,
    order_send_out,
)
from comptoir.domain.orders.models import Order
from tests.domain.orders.support import COLLECT_AT, NOW, make_scene
from tests.domain.orders.test_checkout import place
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(city):
    return make_scene(city)


@pytest.fixture
def bread(scene):
    place(scene)
    return Order.objects.get(shop=scene.bakery)


@pytest.fixture
def camille(scene):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(scene.customer)
    return client


#: What a request served through the ASGI entry point carries (/live/ is served too).
ASGI: dict[str, Any] = {"asgi.scope": {"type": "http"}}


def status_url(order) -> str:
    return f"/account/orders/{order.number}/status/"


def steps(response) -> list[tuple[str, str, str]]:
    return [(s.key, s.label, s.status) for s in response.context["timeline"]]


def test_it_shows_a_placed_order_waiting_for_the_shop(bread, camille):
    response = camille.get(status_url(bread), **ASGI)

    assert response.status_code == 200
    assert response.context["headline"] == "Waiting for the shop to accept your order."
    assert steps(response) == [
        ("placed", "Order placed", "current"),
        ("accepted", "Accepted by the shop", "todo"),
        ("ready", "Ready to collect", "todo"),
        ("collected", "Collected", "todo"),
    ]
    html = response.content.decode()
    assert html.startswith('<div class="order-live" id="order-live-')
    assert f'data-stream-url="/live/orders/{bread.number}"' in html
    assert '<span class="badge order-state order-state--placed">Placed</span>' in html
    assert "data-final" not in html
    assert "no-cache" in response["Cache-Control"]


def test_it_follows_the_order_to_collection(scene, bread, camille):
    order_accept(order=bread, actor=None, ready_by=COLLECT_AT, now=NOW)
    accepted = camille.get(status_url(bread))
    assert accepted.context["headline"] == "The shop accepted your order: ready by 10:00."
    assert steps(accepted)[:2] == [
        ("placed", "Order placed", "done"),
        ("accepted", "Accepted by the shop", "current"),
    ]
    assert accepted.context["timeline"][1].detail == "Ready by 10:00"

    order_mark_ready(order=bread, actor=None, now=NOW + timedelta(minutes=30))
    ready = camille.get(status_url(bread))
    assert ready.context["headline"] == "Your order is ready: come with your pickup code."
    assert steps(ready)[2] == ("ready", "Ready to collect", "current")

    order_hand_over(
        order=bread, actor=None, pickup_code=bread.pickup_code, now=NOW + timedelta(hours=1)
    )
    collected = camille.get(status_url(bread))
    assert collected.context["headline"] == "Collected. Thank you!"
    assert [s[2] for s in steps(collected)] == ["done", "done", "done", "done"]
    assert "data-final" in collected.content.decode()


def test_it_shows_a_refusal_with_the_shops_reason(bread, camille):
    order_refuse(order=bread, actor=None, reason="Out of stock", now=NOW)

    response = camille.get(status_url(bread))

    assert response.context["headline"] == "The shop could not take your order. You pay nothing."
    assert steps(response) == [
        ("placed", "Order placed", "done"),
        ("refused", "Refused by the shop", "failed"),
    ]
    assert response.context["timeline"][1].detail == "Out of stock"
    assert "Out of stock" in response.content.decode()


def test_it_shows_a_delivery_on_its_way(scene, camille):
    place(scene)
    cheese = Order.objects.get(shop=scene.cheese)
    order_accept(order=cheese, actor=None, ready_by=cheese.slot_starts_at, now=NOW)
    order_mark_ready(order=cheese, actor=None, now=NOW)
    order_send_out(order=cheese, actor=None, now=NOW)

    response = camille.get(status_url(cheese))

    assert response.context["headline"] == "Your order is on its way."
    assert steps(response) == [
        ("placed", "Order placed", "done"),
        ("accepted", "Accepted by the shop", "done"),
        ("ready", "Ready", "done"),
        ("out_for_delivery", "On its way", "current"),
        ("delivered", "Delivered", "todo"),
    ]


def test_it_shows_a_guests_order_to_the_browser_that_placed_it(scene):
    place(scene, token="guest-tok", customer=None)
    bread = Order.objects.get(shop=scene.bakery)
    guest = Client(headers={"Accept-Language": "en"})
    session = guest.session
    session["comptoir_checkouts"] = ["other", "guest-tok"]
    session.save()

    assert guest.get(status_url(bread)).status_code == 200
    assert Client().get(status_url(bread)).status_code == 404


def test_it_hides_the_order_from_anyone_else(bread):
    stranger = Client()
    stranger.force_login(make_user(email="someone@example.fr"))
    # Holding the checkout token is not enough for an order with an account.
    session = stranger.session
    session["comptoir_checkouts"] = [bread.checkout.token]
    session.save()

    assert stranger.get(status_url(bread)).status_code == 404
    assert Client().get(status_url(bread)).status_code == 404


def test_it_answers_404_for_an_unknown_order(camille):
    assert camille.get("/account/orders/NOPE-NOPE/status/").status_code == 404


def test_the_order_page_carries_the_live_status(bread, camille):
    html = camille.get(f"/account/orders/{bread.number}/").content.decode()

    assert 'aria-live="polite"><div class="order-live"' in html
    assert "js/order_live.js" in html
    assert "Waiting for the shop to accept your order." in html
    assert 'data-scope="order"' in html


def test_it_reads_the_status_in_four_queries(bread, camille, django_assert_num_queries):
    # Session, user, the order (checkout, city) and its events.
    with django_assert_num_queries(4):
        camille.get(status_url(bread))


def test_the_guest_confirmation_carries_each_orders_live_status(scene):
    checkout = place(scene, token="guest-tok", customer=None)
    guest = Client(headers={"Accept-Language": "en"})
    session = guest.session
    session["comptoir_checkouts"] = ["guest-tok"]
    session.save()

    html = guest.get(f"/{scene.city.slug}/checkout/done/{checkout.token}/", **ASGI).content.decode()

    for order in Order.objects.filter(checkout=checkout):
        assert f'data-stream-url="/live/orders/{order.number}"' in html
        assert f'data-status-url="/account/orders/{order.number}/status/"' in html
    assert "js/order_live.js" in html


def test_it_leaves_out_the_stream_when_no_live_server_stands_next_to_the_page(bread, camille):
    html = camille.get(status_url(bread)).content.decode()

    # order_live.js then re-reads the status on a timer.
    assert 'data-stream-url=""' in html

"""The desk page and its board fragment: who sees it, what a card shows, in how many queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from comptoir.domain.orders.models import Order, OrderState
from tests.domain.orders.support import NOW
from tests.factories import make_order, make_user
from tests.interfaces.desk.conftest import HTMX, TIMES, bakery_url, cheese_url, logged_in

pytestmark = pytest.mark.django_db


def test_it_shows_a_new_order_as_a_big_card_with_everything_to_answer_it(scene, bread, desk_client):
    response = desk_client.get(bakery_url(scene))

    assert response.status_code == 200
    assert response.templates[0].name == "desk/desk.html"
    assert response.context["pro_tab"] == "desk"
    board = response.context["board"]
    assert [card.order.number for card in board.waiting] == [bread.number]
    card = board.waiting[0]
    # Now is 9:02; 30 minutes of preparation, rounded up to 5: 9:35, before
    # the 10:00 slot, so ready-by is the slot's start.
    assert card.ready_by_default == bread.slot_starts_at
    html = response.content.decode()
    assert f'<strong class="pickup-code">{bread.pickup_code}</strong>' in html
    assert "Camille Martin" in html
    assert "06 12 34 56 78" in html
    assert "<strong>Click &amp; collect</strong> · 10:00–10:15" in html
    assert f'<strong class="desk-line__qty">2 {TIMES}</strong> Baguette tradition' in html
    assert f'<strong class="desk-line__qty">3 {TIMES}</strong> Croissant' in html
    assert "<strong>€6.05</strong> · Pay at the shop" in html
    assert 'name="ready_at" value="10:00"' in html
    assert 'name="day" value="2026-03-10"' in html
    assert 'data-waiting="1" data-escalated="0"' in html
    # Served by plain WSGI (no /live/ next to it): the page polls instead.
    assert 'data-stream-url=""' in html
    assert "Tap to enable sound" in html
    assert "no-cache" in response["Cache-Control"]


def test_it_shows_a_delivery_with_its_address(scene, cheese, cheesemonger, clock):
    response = logged_in(cheesemonger).get(cheese_url(scene))

    html = response.content.decode()
    assert "<strong>Home delivery</strong> · 11:00–12:00" in html
    assert "12 rue Beauvoisine, 76000 Rouen<br><em>Code 1234</em>" in html


def test_it_lets_staff_use_the_desk(scene, bread, staff_client):
    response = staff_client.get(bakery_url(scene))

    assert response.status_code == 200
    assert [card.order for card in response.context["board"].waiting] == [bread]
    # The push opt-in for waiting orders is the owner's.
    assert "data-push-optin" not in response.content.decode()


def test_it_offers_the_owner_the_push_opt_in(scene, bread, desk_client):
    html = desk_client.get(bakery_url(scene)).content.decode()

    assert 'data-scope="shop"' in html
    assert f'data-shop="{scene.bakery.slug}"' in html


def test_it_marks_escalated_orders_and_puts_them_first(scene, bread, desk_client, clock):
    older = make_order(scene.bakery, placed_at=NOW - timedelta(minutes=1))
    Order.objects.filter(pk=bread.pk).update(escalated_at=NOW + timedelta(minutes=3))
    clock.advance(minutes=4)

    response = desk_client.get(bakery_url(scene, "board/"), **HTMX)

    board = response.context["board"]
    assert [card.order.number for card in board.waiting] == [bread.number, older.number]
    assert [card.is_escalated for card in board.waiting] == [True, False]
    html = response.content.decode()
    assert 'data-waiting="2" data-escalated="1"' in html
    assert "desk-card--escalated" in html
    assert "Waiting for 6 minutes" in html


def test_the_board_fragment_is_only_the_board(scene, bread, desk_client):
    response = desk_client.get(bakery_url(scene, "board/"), **HTMX)

    html = response.content.decode()
    assert response.templates[0].name == "desk/_board.html"
    assert html.lstrip().startswith('<div class="desk-board" id="desk-board"')
    assert "<html" not in html


def test_it_sorts_orders_into_columns_and_lists_what_to_prepare_by_slot(
    scene, bread, desk_client, clock
):
    accepted = make_order(
        scene.bakery,
        state=OrderState.ACCEPTED,
        lines=[(scene.baguette, 4)],
        slot_starts_at=bread.slot_starts_at,
        placed_at=NOW,
    )
    later = make_order(
        scene.bakery,
        state=OrderState.ACCEPTED,
        lines=[(scene.croissant, 2), (scene.baguette, 1)],
        slot_starts_at=bread.slot_starts_at + timedelta(minutes=15),
        placed_at=NOW,
    )
    ready = make_order(scene.bakery, state=OrderState.READY, placed_at=NOW)
    done = make_order(scene.bakery, state=OrderState.COLLECTED, placed_at=NOW)
    Order.objects.filter(pk=done.pk).update(updated_at=NOW + timedelta(minutes=1))

    board = desk_client.get(bakery_url(scene, "board/"), **HTMX).context["board"]

    assert [c.order.number for c in board.waiting] == [bread.number]
    assert [c.order.number for c in board.preparing] == [accepted.number, later.number]
    assert [c.order.number for c in board.ready] == [ready.number]
    assert [o.number for o in board.done] == [done.number]
    assert [
        (s.label, [(i.name, i.quantity) for i in s.items], s.numbers) for s in board.next_slots
    ] == [
        ("10:00–10:15", [("Baguette tradition", 4)], [accepted.number]),
        ("10:15–10:30", [("Baguette tradition", 1), ("Croissant", 2)], [later.number]),
    ]


@pytest.mark.parametrize("extra", [0, 6])
def test_it_reads_the_board_in_a_constant_number_of_queries(
    scene, bread, desk_client, django_assert_num_queries, extra
):
    for n in range(extra):
        make_order(
            scene.bakery,
            state=[OrderState.PLACED, OrderState.ACCEPTED, OrderState.READY][n % 3],
            lines=[(scene.baguette, 1), (scene.croissant, 2)],
            placed_at=NOW,
        )

    # Session, user, membership (with shop and city), orders, their lines.
    with django_assert_num_queries(5):
        response = desk_client.get(bakery_url(scene, "board/"), **HTMX)

    board = response.context["board"]
    assert len(board.waiting) + len(board.preparing) + len(board.ready) == 1 + extra


def test_it_sends_anonymous_visitors_to_the_login_page(scene, bread, clock):
    response = Client().get(bakery_url(scene))

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={bakery_url(scene)}"


def test_it_hides_another_shops_desk(scene, bread, cheesemonger, clock):
    client = logged_in(cheesemonger)

    assert client.get(bakery_url(scene)).status_code == 404
    assert client.get(bakery_url(scene, "board/"), **HTMX).status_code == 404


def test_it_hides_the_desk_from_customers(scene, bread, clock):
    client = logged_in(scene.customer)

    assert client.get(bakery_url(scene)).status_code == 404
    assert client.get(bakery_url(scene, "board/")).status_code == 404


def test_it_does_not_show_another_shops_orders(scene, orders, desk_client, cheese):
    board = desk_client.get(bakery_url(scene, "board/"), **HTMX).context["board"]

    numbers = [card.order.number for card in board.waiting]
    assert cheese.number not in numbers
    assert len(numbers) == 1


def test_it_says_when_nothing_waits(scene, desk_client):
    html = desk_client.get(bakery_url(scene)).content.decode()

    assert "No order waiting. The desk rings as soon as one arrives." in html
    assert 'data-waiting="0" data-escalated="0"' in html


def test_a_stranger_without_a_shop_gets_404(scene, bread, clock):
    client = logged_in(make_user(email="nobody@example.fr"))

    assert client.get(bakery_url(scene)).status_code == 404


def test_it_streams_when_served_by_the_asgi_entry_point(scene, bread, desk_client):
    # The WSGI bridge puts the ASGI scope in the environ: /live/ is served next to the page.
    response = desk_client.get(bakery_url(scene), **{"asgi.scope": {"type": "http"}})

    html = response.content.decode()
    assert f'data-stream-url="/live/shops/{scene.bakery.pk}/desk"' in html
    assert 'data-heartbeat="15.0"' in html

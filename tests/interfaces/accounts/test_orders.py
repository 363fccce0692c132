"""My orders: the list, one order's page, cancelling, ordering again; only one's own."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from PIL import Image

from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.models import SlotBooking
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.models import BasketLine, Order, OrderEvent, OrderState
from comptoir.interfaces.accounts.order_views import QR_SCALE
from tests.domain.orders.support import COLLECT_AT, CONTACT, NOW, collect_at, make_scene
from tests.domain.orders.test_checkout import place, stocks
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(city):
    return make_scene(city)


@pytest.fixture
def orders(scene):
    """Camille's two orders of one checkout: bread to collect, cheese delivered."""
    place(scene)
    bread = Order.objects.get(shop=scene.bakery)
    cheese = Order.objects.get(shop=scene.cheese)
    return bread, cheese


@pytest.fixture
def camille(scene):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(scene.customer)
    return client


def order_more(scene, count: int) -> None:
    """`count` more bread orders of Camille's, each in its own checkout and slot."""
    for n in range(1, count + 1):
        BasketLine.objects.create(
            city=scene.city, basket=scene.basket, product=scene.baguette, quantity=1
        )
        checkout_place(
            basket=scene.basket,
            token=f"more-{n}",
            contact=CONTACT,
            choices={scene.bakery.pk: collect_at(COLLECT_AT + timedelta(minutes=15 * n))},
            expected=scene.expected(),
            now=NOW + timedelta(minutes=n),
            customer=scene.customer,
        )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/account/orders/")

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/account/orders/"


def test_it_lists_the_customers_orders_newest_first_with_open_codes(scene, orders, camille):
    bread, cheese = orders
    order_more(scene, 1)
    newest = Order.objects.get(checkout__token="more-1")
    Order.objects.filter(pk=cheese.pk).update(state=OrderState.COLLECTED)

    response = camille.get("/account/orders/")

    assert response.status_code == 200
    assert response.context["orders"][0].number == newest.number
    assert {o.number for o in response.context["orders"]} == {
        newest.number,
        bread.number,
        cheese.number,
    }
    html = response.content.decode()
    assert f'href="/account/orders/{bread.number}/"' in html
    assert f'<strong class="pickup-code">{bread.pickup_code}</strong>' in html
    assert f'<strong class="pickup-code">{cheese.pickup_code}</strong>' not in html
    assert '<span class="badge order-state order-state--collected">Collected</span>' in html
    assert '<span class="order-card__total">€21.30</span>' in html
    assert "10 March 2026" in html
    assert "no-cache" in response["Cache-Control"]


def test_it_lists_no_order_of_anyone_else(scene, orders):
    client = Client()
    client.force_login(make_user(email="someone@example.fr"))

    response = client.get("/account/orders/")

    assert response.context["orders"] == []


@pytest.mark.parametrize("extra", [0, 4])
def test_it_reads_the_list_in_three_queries(
    scene, orders, camille, django_assert_num_queries, extra
):
    order_more(scene, extra)

    # Session, user, orders with their shop and city: 1 order or 5 more.
    with django_assert_num_queries(3):
        response = camille.get("/account/orders/")

    assert len(response.context["orders"]) == 2 + extra


def test_it_shows_an_order_with_lines_vat_slot_code_and_history(orders, camille):
    bread, _ = orders

    response = camille.get(f"/account/orders/{bread.number}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row">Baguette tradition</th><td>2</td><td>€1.30</td><td>€2.60</td>' in html
    assert '<th scope="row">Croissant</th><td>3</td><td>€1.15</td><td>€3.45</td>' in html
    assert '<dd class="order-totals__total order-totals__grand">€6.05</dd>' in html
    vat = response.context["totals"].vat
    assert [(g.rate, g.vat) for g in vat] == [
        (Decimal("5.50"), Decimal("0.14")),
        (Decimal("10.00"), Decimal("0.31")),
    ]
    assert (
        '<dt class="order-totals__vat">VAT 5.5 %</dt><dd class="order-totals__vat">€0.14</dd>'
        in html
    )
    assert (
        '<dt class="order-totals__vat">VAT 10 %</dt><dd class="order-totals__vat">€0.31</dd>'
        in html
    )
    # Times in Rouen: the slot 10:00–10:15 and the order placed at 9:00.
    assert '<p class="order__slot">Tuesday 10 March 2026, 10:00–10:15</p>' in html
    assert (
        '<li class="order-event"><time datetime="2026-03-10T08:00:00+00:00">'
        "10 March 2026, 09:00</time> Placed</li>"
    ) in html
    assert f'<p class="pickup__code pickup-code">{bread.pickup_code}</p>' in html
    assert 'action="/account/orders/' + bread.number + '/cancel/"' in html
    assert "no-cache" in response["Cache-Control"]


def test_it_shows_the_pickup_code_as_a_qr_png(orders, camille):
    bread, _ = orders

    response = camille.get(f"/account/orders/{bread.number}/")

    qr = response.context["qr_code"]
    assert qr.startswith("data:image/png;base64,")
    png = base64.b64decode(qr.removeprefix("data:image/png;base64,"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # A full QR code of version 1 and its border (a Micro QR would be 19 modules).
    assert Image.open(BytesIO(png)).size == (25 * QR_SCALE, 25 * QR_SCALE)
    assert f'<img class="pickup__qr" src="{qr}"' in response.content.decode()
    assert " style=" not in response.content.decode()


def test_it_shows_the_delivery_address_and_fee(orders, camille):
    _, cheese = orders

    response = camille.get(f"/account/orders/{cheese.number}/")

    html = response.content.decode()
    assert (
        '<p class="order__address">Camille Martin<br>12 rue Beauvoisine<br>76000 Rouen</p>' in html
    )
    assert '<p class="order__instructions">Code 1234</p>' in html
    assert '<dd class="order-totals__fee">€3.50</dd>' in html
    assert '<dd class="order-totals__total order-totals__grand">€21.30</dd>' in html
    assert '<p class="order__slot">Tuesday 10 March 2026, 11:00–12:00</p>' in html


def payment_line(client, order) -> str:
    html = client.get(f"/account/orders/{order.number}/").content.decode()
    found = re.search(r'<p class="account__lead order__payment">([^<]*)</p>', html)
    assert found is not None
    return found.group(1)


def test_it_says_what_is_left_to_pay_and_how(orders, camille):
    bread, cheese = orders

    assert payment_line(camille, bread) == "To pay at the shop."
    assert payment_line(camille, cheese) == "To pay on delivery."

    Order.objects.filter(pk=bread.pk).update(state=OrderState.COLLECTED, payment_state="paid")
    Order.objects.filter(pk=cheese.pk).update(state=OrderState.REFUSED)

    assert payment_line(camille, bread) == "Paid."
    assert payment_line(camille, cheese) == "Nothing to pay."


def test_it_hides_the_code_and_the_cancel_button_of_a_finished_order(orders, camille):
    bread, _ = orders
    Order.objects.filter(pk=bread.pk).update(state=OrderState.COLLECTED)

    response = camille.get(f"/account/orders/{bread.number}/")

    html = response.content.decode()
    assert response.context["qr_code"] is None
    assert bread.pickup_code not in html
    assert "/cancel/" not in html
    assert f'action="/account/orders/{bread.number}/again/"' in html


@pytest.mark.parametrize("extra_lines", [0, 3])
def test_it_reads_an_order_in_five_queries(
    scene, orders, camille, django_assert_num_queries, extra_lines
):
    bread, _ = orders
    for n in range(extra_lines):
        bread.lines.create(
            city=scene.city,
            product_name=f"Pain {n}",
            unit="piece",
            unit_price=bread.lines.first().unit_price,
            vat_rate=bread.lines.first().vat_rate,
            quantity=1,
            line_total=bread.lines.first().unit_price,
        )

    # Session, user, the order with shop and city, its lines, its events.
    with django_assert_num_queries(5):
        response = camille.get(f"/account/orders/{bread.number}/")

    assert len(response.context["lines"]) == 2 + extra_lines


def test_it_answers_404_for_another_customers_order(orders):
    bread, _ = orders
    client = Client()
    client.force_login(make_user(email="someone@example.fr"))

    assert client.get(f"/account/orders/{bread.number}/").status_code == 404
    assert client.post(f"/account/orders/{bread.number}/cancel/").status_code == 404
    assert client.post(f"/account/orders/{bread.number}/again/").status_code == 404
    assert Order.objects.get(pk=bread.pk).state == OrderState.PLACED
    assert OrderEvent.objects.filter(order=bread).count() == 1


def test_it_cancels_a_placed_order(scene, orders, camille):
    bread, cheese = orders

    response = camille.post(f"/account/orders/{bread.number}/cancel/", follow=True)

    assert response.redirect_chain == [(f"/account/orders/{bread.number}/", 302)]
    assert messages_of(response) == [f"Order {bread.number} is cancelled."]
    assert Order.objects.get(pk=bread.pk).state == OrderState.CANCELLED
    assert list(OrderEvent.objects.filter(order=bread).values_list("to_state", "actor")) == [
        (OrderState.PLACED, scene.customer.pk),
        (OrderState.CANCELLED, scene.customer.pk),
    ]
    assert stocks(scene.baguette, scene.croissant) == [10, 6]
    assert Order.objects.get(pk=cheese.pk).state == OrderState.PLACED
    assert "/cancel/" not in response.content.decode()


def test_it_refuses_to_cancel_an_accepted_order_and_changes_nothing(scene, orders, camille):
    bread, _ = orders
    Order.objects.filter(pk=bread.pk).update(state=OrderState.ACCEPTED)

    response = camille.post(f"/account/orders/{bread.number}/cancel/", follow=True)

    assert response.redirect_chain == [(f"/account/orders/{bread.number}/", 302)]
    assert messages_of(response) == [
        f"Order {bread.number} is Accepted: it cannot be cancelled now."
    ]
    assert Order.objects.get(pk=bread.pk).state == OrderState.ACCEPTED
    assert OrderEvent.objects.filter(order=bread).count() == 1
    assert stocks(scene.baguette, scene.croissant) == [8, 3]
    assert SlotBooking.objects.get(kind="collect").booked == 1


def test_it_cancels_only_by_post(orders, camille):
    bread, _ = orders

    assert camille.get(f"/account/orders/{bread.number}/cancel/").status_code == 405
    assert Order.objects.get(pk=bread.pk).state == OrderState.PLACED


def test_it_puts_the_order_back_in_the_basket_and_goes_to_it(scene, orders, camille):
    bread, _ = orders

    response = camille.post(f"/account/orders/{bread.number}/again/")

    assert response.status_code == 302
    assert response["Location"] == "/rouen/basket/"
    assert messages_of(response) == ["The products of this order are in your basket."]
    assert sorted(scene.basket.lines.values_list("product__name", "quantity")) == [
        ("Baguette tradition", 2),
        ("Croissant", 3),
    ]


def test_it_says_which_products_could_not_be_put_back(scene, orders, camille):
    bread, _ = orders
    Product.objects.filter(pk=scene.croissant.pk).update(is_active=False)

    response = camille.post(f"/account/orders/{bread.number}/again/")

    assert response["Location"] == "/rouen/basket/"
    assert messages_of(response) == ["No longer available, not added: Croissant."]
    assert list(scene.basket.lines.values_list("product__name", "quantity")) == [
        ("Baguette tradition", 2)
    ]

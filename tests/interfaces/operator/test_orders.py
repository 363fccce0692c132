"""Orders, checkouts and baskets in the back office: searchable records, never edited."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.models import Basket, BasketLine, Checkout, Order, OrderState
from comptoir.domain.shops.models import Trade
from tests.domain.orders.support import COLLECT_AT, CONTACT, NOW, collect_at, make_scene
from tests.domain.orders.test_checkout import place
from tests.factories import make_city, make_user
from tests.interfaces.operator.changelist import listed

ORDERS = reverse("admin:orders_order_changelist")
NBSP = "\xa0"


def place_orders(city):
    """Camille's checkout in `city`: a bread order to collect, a cheese order delivered."""
    scene = make_scene(city)
    place(scene)
    return scene, Order.objects.get(shop=scene.bakery), Order.objects.get(shop=scene.cheese)


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


@pytest.fixture
def orders(city):
    return place_orders(city)


def numbers(response) -> list[str]:
    return [order.number for order in listed(response)]


def test_it_lists_orders_with_shop_customer_state_slot_in_rouen_and_total(operator_client, orders):
    _, bread, cheese = orders

    response = operator_client.get(ORDERS)

    assert sorted(numbers(response)) == sorted([bread.number, cheese.number])
    html = response.content.decode()
    assert '<td class="field-slot">10/03/2026 10:00–10:15</td>' in html
    assert '<td class="field-slot">10/03/2026 11:00–12:00</td>' in html
    assert f'<td class="field-total_label">6,05{NBSP}€</td>' in html
    assert f'<td class="field-total_label">21,30{NBSP}€</td>' in html
    assert (
        '<td class="field-customer_contact">'
        "Camille Martin<br>camille@example.fr · +33612345678</td>"
    ) in html
    assert f'<td class="field-state">{OrderState.PLACED.label}</td>' in html


def test_it_lists_orders_with_a_fixed_number_of_queries(
    operator_client, orders, django_assert_max_num_queries
):
    scene, _, _ = orders
    with CaptureQueriesContext(connection) as few:
        operator_client.get(ORDERS)
    order_more(scene, 6)

    with django_assert_max_num_queries(len(few)):
        response = operator_client.get(ORDERS)

    assert len(listed(response)) == 8


def test_it_does_not_count_every_order_on_each_page(operator_client):
    response = operator_client.get(ORDERS)

    assert response.context["cl"].show_full_result_count is False


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state__exact": "cancelled"}, ["bread"]),
        ({"fulfilment__exact": "delivery"}, ["cheese"]),
        ({"shop__trade__exact": Trade.BAKERY}, ["bread"]),
        ({"payment_state__exact": "paid"}, ["cheese"]),
    ],
)
def test_it_filters_orders(operator_client, orders, query, expected):
    _, bread, cheese = orders
    Order.objects.filter(pk=bread.pk).update(state=OrderState.CANCELLED)
    Order.objects.filter(pk=cheese.pk).update(payment_state="paid")
    type(cheese.shop).objects.filter(pk=cheese.shop_id).update(trade=Trade.CHEESE)
    by_name = {"bread": bread.number, "cheese": cheese.number}

    response = operator_client.get(ORDERS, query)

    assert numbers(response) == [by_name[name] for name in expected]


def test_it_filters_orders_by_city_and_date(operator_client, orders):
    _, bread, cheese = orders
    caen = make_city(name="Caen", slug="caen")

    assert numbers(operator_client.get(ORDERS, {"city__id__exact": caen.pk})) == []
    on_the_10th = {"placed_at__gte": "2026-03-10T00:00:00+01:00"}
    from_the_11th = {"placed_at__gte": "2026-03-11T00:00:00+01:00"}
    assert sorted(numbers(operator_client.get(ORDERS, on_the_10th))) == sorted(
        [bread.number, cheese.number]
    )
    assert numbers(operator_client.get(ORDERS, from_the_11th)) == []


@pytest.mark.parametrize(
    "field", ["number", "pickup_code", "contact_name", "contact_email", "shop"]
)
def test_it_finds_an_order_by_number_code_contact_or_shop(operator_client, orders, field):
    _, bread, _ = orders
    Order.objects.filter(pk=bread.pk).update(contact_name="Jeanne Dupont", contact_email="j@d.fr")
    query = {
        "number": bread.number,
        "pickup_code": bread.pickup_code,
        "contact_name": "Dupont",
        "contact_email": "j@d.fr",
        "shop": "Boulangerie",
    }[field]

    response = operator_client.get(ORDERS, {"q": query})

    assert numbers(response) == [bread.number]


def test_it_finds_an_order_by_phone(operator_client, orders):
    _, bread, cheese = orders

    response = operator_client.get(ORDERS, {"q": "+33612345678"})

    assert sorted(numbers(response)) == sorted([bread.number, cheese.number])


def test_it_shows_an_order_read_only_with_its_lines_events_and_vat(operator_client, orders):
    _, bread, _ = orders

    response = operator_client.get(reverse("admin:orders_order_change", args=[bread.pk]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert list(formsets) == ["lines", "events"]
    assert [form.instance.product_name for form in formsets["lines"].forms] == [
        "Baguette tradition",
        "Croissant",
    ]
    assert [form.instance.to_state for form in formsets["events"].forms] == ["placed"]
    html = response.content.decode()
    assert 'name="total"' not in html
    assert 'name="lines-0-quantity"' not in html
    assert f"<div>5,5\u202f%{NBSP}: 0,14{NBSP}€ de TVA sur 2,60{NBSP}€</div>" in html
    assert f"<div>10\u202f%{NBSP}: 0,31{NBSP}€ de TVA sur 3,45{NBSP}€</div>" in html


def test_it_refuses_to_change_an_order_and_changes_nothing(operator_client, orders):
    _, bread, _ = orders

    response = operator_client.post(
        reverse("admin:orders_order_change", args=[bread.pk]),
        {"total": "0.00", "state": "collected", "contact_name": "Quelqu'un"},
    )

    assert response.status_code == 403
    bread.refresh_from_db()
    assert (bread.total, bread.state, bread.contact_name) == (
        Decimal("6.05"),
        OrderState.PLACED,
        "Camille Martin",
    )


def test_it_never_deletes_an_order(operator_client, orders):
    _, bread, _ = orders

    page = operator_client.get(reverse("admin:orders_order_delete", args=[bread.pk]))
    bulk = operator_client.post(
        ORDERS, {"action": "delete_selected", "_selected_action": [bread.pk], "post": "yes"}
    )

    assert page.status_code == 403
    # No action at all (not even "delete selected"), so no action form on the list.
    assert operator_client.get(ORDERS).context["action_form"] is None
    assert bulk.status_code == 200
    assert Order.objects.filter(pk=bread.pk).exists()
    assert Order.objects.count() == 2


def test_it_shows_a_checkout_with_its_orders_read_only(operator_client, orders):
    _, bread, cheese = orders
    checkout = Checkout.objects.get()

    response = operator_client.get(reverse("admin:orders_checkout_change", args=[checkout.pk]))
    refused = operator_client.post(
        reverse("admin:orders_checkout_change", args=[checkout.pk]), {"contact_name": "X"}
    )

    (formset,) = [f.formset for f in response.context["inline_admin_formsets"]]
    assert sorted(form.instance.number for form in formset.forms) == sorted(
        [bread.number, cheese.number]
    )
    assert refused.status_code == 403
    assert Checkout.objects.get().contact_name == "Camille Martin"


def test_it_shows_a_basket_with_its_lines_read_only(operator_client, orders):
    scene, _, _ = orders
    BasketLine.objects.create(city=scene.city, basket=scene.basket, product=scene.comte, quantity=2)
    url = reverse("admin:orders_basket_change", args=[scene.basket.pk])

    response = operator_client.get(url)
    refused = operator_client.post(url, {"user": str(make_user().pk)})

    (formset,) = [f.formset for f in response.context["inline_admin_formsets"]]
    assert [(form.instance.product, form.instance.quantity) for form in formset.forms] == [
        (scene.comte, 2)
    ]
    assert refused.status_code == 403
    assert Basket.objects.get(pk=scene.basket.pk).user == scene.customer


def test_it_lists_baskets_with_their_owner_and_line_count(operator_client, orders):
    scene, _, _ = orders
    BasketLine.objects.create(city=scene.city, basket=scene.basket, product=scene.comte, quantity=2)

    response = operator_client.get(reverse("admin:orders_basket_changelist"))

    html = response.content.decode()
    assert '<td class="field-owner">camille@example.fr</td>' in html
    assert '<td class="field-line_count">1</td>' in html

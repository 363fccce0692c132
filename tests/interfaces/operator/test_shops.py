"""Shops in the back office: finding them, their staff and shelves, pausing orders."""

from __future__ import annotations

from datetime import time

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.domain.shops.models import Shop, Trade
from tests.factories import (
    make_category,
    make_city,
    make_membership,
    make_product,
    make_shop,
    make_user,
)
from tests.interfaces.operator.changelist import listed

CHANGELIST = reverse("admin:shops_shop_changelist")


def names(response) -> list[str]:
    return [shop.name for shop in listed(response)]


@pytest.fixture
def shops(city):
    """Three shops in Rouen, one in Caen, each different in one way."""
    caen = make_city(name="Caen", slug="caen")
    make_shop(city, name="Au Bon Pain", trade=Trade.BAKERY, email="bonjour@bonpain.fr")
    make_shop(
        city,
        name="Fromagerie Rive Droite",
        trade=Trade.CHEESE,
        street="12 rue Beauvoisine",
        phone="02 35 70 00 00",
        delivery_enabled=True,
    )
    make_shop(city, name="La Fleur Bleue", trade=Trade.FLORIST, is_paused=True, is_active=False)
    make_shop(caen, name="Boucherie du Port", trade=Trade.BUTCHER, postal_code="14000")
    Shop.objects.filter(name="Boucherie du Port").update(collect_enabled=False)


def test_it_counts_products_and_names_owners(operator_client, shop):
    make_product(shop)
    make_product(shop)
    make_membership(shop, make_user(email="zoe@example.fr"), role="owner")
    make_membership(shop, make_user(email="alain@example.fr"), role="owner")
    make_membership(shop, make_user(email="vendeur@example.fr"), role="staff")

    response = operator_client.get(CHANGELIST)

    [listed_shop] = listed(response)
    assert listed_shop.product_count == 2
    assert response.context["cl"].model_admin.owners(listed_shop) == (
        "zoe@example.fr, alain@example.fr"
    )


def test_it_lists_shops_with_a_fixed_number_of_queries(operator_client, city):
    def add_shops(count: int) -> None:
        for _ in range(count):
            shop = make_shop(city)
            make_product(shop)
            make_membership(shop, role="owner")

    add_shops(2)
    with CaptureQueriesContext(connection) as few:
        operator_client.get(CHANGELIST)
    add_shops(20)

    with CaptureQueriesContext(connection) as many:
        response = operator_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 22
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"trade__exact": "cheese"}, ["Fromagerie Rive Droite"]),
        ({"is_paused__exact": "1"}, ["La Fleur Bleue"]),
        ({"is_active__exact": "0"}, ["La Fleur Bleue"]),
        ({"delivery_enabled__exact": "1"}, ["Fromagerie Rive Droite"]),
        ({"collect_enabled__exact": "0"}, ["Boucherie du Port"]),
    ],
)
def test_it_filters_shops(operator_client, shops, query, expected):
    assert names(operator_client.get(CHANGELIST, query)) == expected


def test_it_filters_shops_by_city(operator_client, shops, city):
    assert names(operator_client.get(CHANGELIST, {"city__id__exact": str(city.pk)})) == [
        "Au Bon Pain",
        "Fromagerie Rive Droite",
        "La Fleur Bleue",
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("fleur", ["La Fleur Bleue"]),
        ("beauvoisine", ["Fromagerie Rive Droite"]),
        ("14000", ["Boucherie du Port"]),
        ("bonpain.fr", ["Au Bon Pain"]),
        ("+3323570", ["Fromagerie Rive Droite"]),
    ],
)
def test_it_finds_shops_by_name_address_email_or_phone(operator_client, shops, q, expected):
    assert names(operator_client.get(CHANGELIST, {"q": q})) == expected


def test_it_pauses_orders_of_the_selected_shops(operator_client, city):
    first, second, untouched = make_shop(city), make_shop(city), make_shop(city)

    response = operator_client.post(
        CHANGELIST,
        {"action": "pause_orders", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    paused = dict(Shop.objects.values_list("pk", "is_paused"))
    assert paused == {first.pk: True, second.pk: True, untouched.pk: False}
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Commandes mises en pause pour 2 boutiques."
    ]


def test_it_resumes_orders_of_the_selected_shops(operator_client, city):
    paused = make_shop(city, is_paused=True)
    still_paused = make_shop(city, is_paused=True)

    response = operator_client.post(
        CHANGELIST, {"action": "resume_orders", "_selected_action": [paused.pk]}, follow=True
    )

    assert dict(Shop.objects.values_list("pk", "is_paused")) == {
        paused.pk: False,
        still_paused.pk: True,
    }
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Commandes reprises pour 1 boutique."
    ]


def test_it_shows_hours_closures_staff_and_shelves_inline(operator_client, shop):
    make_category(shop, name="Pains")
    make_membership(shop, role="owner")

    response = operator_client.get(reverse("admin:shops_shop_change", args=[shop.pk]))

    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert list(formsets) == [
        "opening_hours",
        "closures",
        "memberships",
        "categories",
        "delivery_settings",
        "delivery_postcodes",
    ]
    assert [form.instance.name for form in formsets["categories"].forms] == ["Pains"]
    assert len(formsets["memberships"].forms) == 1


def new_shop_form(city) -> dict[str, str]:
    return {
        "city": str(city.pk),
        "name": "Le Fournil",
        "slug": "le-fournil",
        "trade": "bakery",
        "street": "3 place du Vieux-Marché",
        "postal_code": "76000",
        "locality": "Rouen",
        "latitude": "49.442900",
        "longitude": "1.088000",
        "collect_enabled": "on",
        "slot_minutes": "15",
        "slot_capacity": "4",
        "lead_time_minutes": "30",
        "delivery_fee": "0.00",
        "delivery_minimum": "0.00",
        "delivery_radius_km": "3.00",
        "is_active": "on",
        "opening_hours-TOTAL_FORMS": "1",
        "opening_hours-INITIAL_FORMS": "0",
        "opening_hours-0-weekday": "1",
        "opening_hours-0-opens": "07:00",
        "opening_hours-0-closes": "13:00",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "categories-TOTAL_FORMS": "0",
        "categories-INITIAL_FORMS": "0",
        "delivery_settings-TOTAL_FORMS": "0",
        "delivery_settings-INITIAL_FORMS": "0",
        "delivery_postcodes-TOTAL_FORMS": "0",
        "delivery_postcodes-INITIAL_FORMS": "0",
    }


def test_it_saves_a_new_shop_with_its_opening_hours(operator_client, city):
    response = operator_client.post(reverse("admin:shops_shop_add"), new_shop_form(city))

    assert response.status_code == 302
    shop = Shop.objects.get(slug="le-fournil")
    assert (shop.city, shop.is_paused, shop.is_active) == (city, False, True)
    assert list(shop.opening_hours.values_list("weekday", "opens", "closes")) == [
        (1, time(7, 0), time(13, 0))
    ]


def test_it_never_moves_a_shop_to_another_city(operator_client, city):
    operator_client.post(reverse("admin:shops_shop_add"), new_shop_form(city))
    shop = Shop.objects.get(slug="le-fournil")
    product = make_product(shop)
    elsewhere = make_city(slug="le-havre")
    form = new_shop_form(elsewhere) | {
        "name": "Le Fournil du Havre",
        "opening_hours-TOTAL_FORMS": "0",
    }

    response = operator_client.post(reverse("admin:shops_shop_change", args=[shop.pk]), form)

    assert response.status_code == 302
    shop.refresh_from_db()
    product.refresh_from_db()
    assert (shop.name, shop.city, product.city) == ("Le Fournil du Havre", city, city)

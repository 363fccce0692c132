"""Nothing of one city shows in another: every storefront page, search, deals and the API.

Two live cities hold look-alike data: shops with the same slug, products with
the same slug and nearly the same name, deals of the same kind, orders of the
same customer. Everything of city A carries the marker "Zanzibar"; city B's pages
(every storefront route, discovered from the URL conf, and the customer API's
city endpoints) must never show it, nor A's order number. A's own objects
addressed under B's slug are not found.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.accounts.models import Address
from comptoir.domain.legal.models import LegalKind, ShopTerms
from comptoir.domain.orders.models import BasketLine, Checkout
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.interfaces.storefront.checkout_page import PREFERENCES_SESSION_KEY
from tests.access import named_routes, route_params
from tests.domain.deals.support import make_deal
from tests.domain.orders.support import open_all_week
from tests.factories import make_category, make_city, make_order, make_product, make_shop, make_user
from tests.interfaces.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db

#: City A's marker: a word no page or default legal text contains by itself.
MARKER = "zanzibar"


def build_city(city: Any, marker: str, customer: Any) -> dict[str, Any]:
    """A bakery (same slug in every city), a product, a deal, an order and a basket line."""
    now = timezone.now()
    shared = open_all_week(
        make_shop(city, name=f"Boulangerie du Port {marker}", slug="boulangerie-du-port")
    )
    own = open_all_week(
        make_shop(city, name=f"Fromagerie {marker}", slug=f"fromagerie-{marker.lower()}")
    )
    ShopTerms.objects.create(shop=shared, body=f"Conditions {marker}.")
    category = make_category(shared, name=f"Pains {marker}")
    product = make_product(
        shared, category=category, name=f"Baguette tradition {marker}", slug="baguette-tradition"
    )
    own_product = make_product(own, name=f"Comté {marker}", slug=f"comte-{marker.lower()}")
    deal = make_deal(
        shared,
        title=f"-20 % chez {marker}",
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=2),
    )
    order = make_order(
        shared,
        lines=[(product, 1)],
        customer=customer,
        placed_at=now - timedelta(minutes=5),
        slot_starts_at=now + timedelta(hours=1),
    )
    Checkout.objects.filter(pk=order.checkout_id).update(customer=customer)
    order.checkout.refresh_from_db()
    basket = basket_for(city=city, user=customer, create=True)
    basket_add(basket=basket, product=product, quantity=1)
    return {
        "city": city,
        "shop": shared,
        "own_shop": own,
        "product": product,
        "own_product": own_product,
        "deal": deal,
        "order": order,
    }


@pytest.fixture
def world() -> dict[str, Any]:
    customer = make_user(email="camille@example.fr")
    a = build_city(make_city(name="Rouen", slug="rouen"), "Zanzibar", customer)
    b = build_city(
        make_city(
            name="Le Havre",
            slug="le-havre",
            latitude=Decimal("49.494400"),
            longitude=Decimal("0.107900"),
        ),
        "Bravo",
        customer,
    )
    # The customer's saved address is in city A (Rouen, 70 km from Le Havre).
    Address.objects.create(
        user=customer,
        recipient="Camille Martin",
        line1="3 rue Zanzibar",
        postal_code="76000",
        locality="Rouen",
        latitude=Decimal("49.443000"),
        longitude=Decimal("1.095000"),
        is_default=True,
    )
    return {"a": a, "b": b, "customer": customer}


@pytest.fixture
def browser(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["customer"])
    # The browser's last checkout delivered in city A.
    session = client.session
    session[PREFERENCES_SESSION_KEY] = {
        "kinds": {},
        "address": {"line1": "8 place Zanzibar", "postal_code": "76000", "locality": "Rouen"},
        "address_city": world["a"]["city"].pk,
        "contact": {},
    }
    session.save()
    return client


def leaks(content: bytes, a: dict[str, Any]) -> list[str]:
    text = content.decode().lower()
    found = [word for word in (MARKER, a["order"].number.lower()) if word in text]
    return found + [f"/{a['city'].slug}/" for _ in re.findall(rf"/{a['city'].slug}/", text)][:1]


def city_b_pages(b: dict[str, Any]) -> list[str]:
    """Every storefront route of city B, filled with B's objects, plus its lists with queries."""
    values = {
        "city_slug": b["city"].slug,
        "shop_slug": b["shop"].slug,
        "product_slug": b["product"].slug,
        "product_id": b["product"].pk,
        "deal_id": b["deal"].pk,
        "token": b["order"].checkout.token,
        "kind": LegalKind.PRIVACY,
    }
    urls = []
    for route, name in named_routes():
        if not name.startswith("storefront:"):
            continue
        params = route_params(route)
        if "city_slug" not in params:
            continue
        urls.append(reverse(name, kwargs={p: values[p] for p in params}))
    city = b["city"].slug
    urls += [f"/{city}/legal/{kind}/" for kind in LegalKind.values]
    urls += [
        f"/{city}/?q=boulangerie",
        f"/{city}/?trade=bakery",
        f"/{city}/search/?q=baguette",
        f"/{city}/search/?q=fromagerie",
        f"/{city}/search/?q=pain",
        f"/{city}/deals/?trade=bakery",
        f"/{city}/{b['own_shop'].slug}/",
    ]
    return urls


def test_no_page_of_city_b_shows_anything_of_city_a(world, browser):
    a, b = world["a"], world["b"]
    pages = city_b_pages(b)
    assert len(pages) >= 20

    seen = {}
    for url in pages:
        response = browser.get(url)
        assert response.status_code in (200, 302, 405), (url, response.status_code)
        seen[url] = leaks(response.content, a)

    assert {url: found for url, found in seen.items() if found} == {}


def test_city_bs_own_pages_do_show_its_data(world, browser):
    b = world["b"]

    assert (
        "Baguette tradition Bravo" in browser.get("/le-havre/search/?q=baguette").content.decode()
    )
    assert "-20 % chez Bravo" in browser.get("/le-havre/deals/").content.decode()
    assert "Baguette tradition Bravo" in browser.get("/le-havre/basket/").content.decode()
    assert "Boulangerie du Port Bravo" in browser.get("/le-havre/").content.decode()
    done = browser.get(f"/le-havre/checkout/done/{b['order'].checkout.token}/")
    assert b["order"].number in done.content.decode()


def test_city_as_objects_under_city_bs_slug_are_not_found(world, browser):
    a = world["a"]
    for url in (
        f"/le-havre/{a['own_shop'].slug}/",
        f"/le-havre/{a['own_shop'].slug}/terms/",
        f"/le-havre/{a['own_shop'].slug}/{a['own_product'].slug}/",
        f"/le-havre/boulangerie-du-port/{a['own_product'].slug}/",
        f"/le-havre/deals/{a['deal'].pk}/",
        f"/le-havre/checkout/done/{a['order'].checkout.token}/",
    ):
        assert browser.get(url).status_code == 404, url


def test_claiming_city_as_deal_under_city_b_claims_nothing(world, browser):
    a = world["a"]

    response = browser.post(f"/le-havre/deals/{a['deal'].pk}/claim/")

    # The deal page's "not found" message, back on B's deals (never A's deal).
    assert response.status_code == 302
    assert response["Location"] == "/le-havre/deals/"
    assert not a["deal"].vouchers.exists()


def test_city_as_product_cannot_go_into_city_bs_basket(world, browser):
    a, b = world["a"], world["b"]
    basket = basket_for(city=b["city"], user=world["customer"])
    before = list(BasketLine.objects.filter(basket=basket).values_list("product_id", "quantity"))

    browser.post("/le-havre/basket/add/", {"product": a["own_product"].pk, "quantity": 1})
    browser.post(f"/le-havre/basket/lines/{a['product'].pk}/", {"quantity": 3})

    after = list(BasketLine.objects.filter(basket=basket).values_list("product_id", "quantity"))
    assert after == before == [(b["product"].pk, 1)]


def test_city_as_checkout_address_is_offered_in_city_a_only(world, browser):
    rouen_basket = browser.get("/rouen/checkout/").content.decode()

    assert "8 place Zanzibar" in rouen_basket  # this browser's last delivery, in Rouen
    assert "Zanzibar" not in browser.get("/le-havre/checkout/").content.decode()


def test_the_apis_city_b_lists_show_nothing_of_city_a(world):
    a, b = world["a"], world["b"]
    api = ApiClient(token=token_for(world["customer"]))
    base = "/api/v1/cities/le-havre"
    urls = [
        f"{base}/shops",
        f"{base}/shops?trade=bakery",
        f"{base}/shops/{b['shop'].slug}",
        f"{base}/shops/{b['shop'].slug}/products",
        f"{base}/shops/{b['shop'].slug}/slots",
        f"{base}/search?q=baguette",
        f"{base}/search?q=fromagerie",
        f"{base}/deals",
        f"{base}/deals/{b['deal'].pk}",
        f"{base}/basket",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, (url, response.content)
        assert leaks(response.content, a) == [], url
    assert "Bravo" in api.get(f"{base}/search?q=baguette").content.decode()


def test_the_api_does_not_find_city_as_objects_under_city_b(world):
    a = world["a"]
    api = ApiClient(token=token_for(world["customer"]))
    base = "/api/v1/cities/le-havre"

    for url in (
        f"{base}/shops/{a['own_shop'].slug}",
        f"{base}/shops/{a['own_shop'].slug}/products",
        f"{base}/shops/{a['own_shop'].slug}/slots",
        f"{base}/deals/{a['deal'].pk}",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"{base}/deals/{a['deal'].pk}/claim").status_code == 404
    assert not a["deal"].vouchers.exists()


def test_the_api_refuses_city_as_product_in_city_bs_basket(world):
    a, b = world["a"], world["b"]
    api = ApiClient(token=token_for(world["customer"]))

    response = api.post(
        "/api/v1/cities/le-havre/basket/lines", {"product_id": a["own_product"].pk, "quantity": 1}
    )

    assert response.status_code in (404, 409, 422), response.content
    basket = basket_for(city=b["city"], user=world["customer"])
    assert list(BasketLine.objects.filter(basket=basket).values_list("product_id", flat=True)) == [
        b["product"].pk
    ]


def test_a_shop_slug_shared_by_two_cities_opens_each_citys_own_shop(world, browser):
    rouen = browser.get("/rouen/boulangerie-du-port/").content.decode()
    havre = browser.get("/le-havre/boulangerie-du-port/").content.decode()

    assert "Boulangerie du Port Zanzibar" in rouen
    assert "Bravo" not in rouen
    assert "Boulangerie du Port Bravo" in havre
    assert "Zanzibar" not in havre

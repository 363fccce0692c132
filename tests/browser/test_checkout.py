"""Checkout on a phone: three taps for a returning customer, codes and QR on the confirmation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.utils import timezone, translation

from comptoir.domain.accounts.models import Address
from comptoir.domain.fulfilment.errors import OutsideDeliveryZone
from comptoir.domain.fulfilment.models import PostcodeArea
from comptoir.domain.fulfilment.selectors import earliest_pickup_slot
from comptoir.domain.orders.checkout import Collect, checkout_place
from comptoir.domain.orders.models import Checkout, Fulfilment, Order
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.interfaces.storefront.basket_session import VISITOR_TOKEN_SESSION_KEY
from tests.browser.test_accessibility import blocking, describe
from tests.browser.test_delivery_zone import type_in
from tests.domain.orders.support import CONTACT, collect_shop, delivery_shop
from tests.factories import make_city, make_product, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    return Axe()


@pytest.fixture
def rouen(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    bakery = collect_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    cheese = delivery_shop(city, name="Fromagerie du Vieux-Marché", slug="fromagerie")
    make_product(bakery, name="Baguette tradition", slug="baguette", price=Decimal("1.30"))
    make_product(
        cheese, name="Comté 18 mois", slug="comte", price=Decimal("8.90"), vat_rate=Decimal("5.50")
    )
    return {"city": city, "bakery": bakery, "cheese": cheese}


class Taps:
    """Every tap the customer makes, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator: Any) -> None:
        self.count += 1
        locator.tap()


def log_in(live_server: Any, phone: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    phone.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def visitor_basket(live_server: Any, phone: Any, city: Any) -> Any:
    """A visitor's basket, the session cookie in the phone's browser."""
    session = SessionStore()
    session[VISITOR_TOKEN_SESSION_KEY] = "visitor-in-the-browser"
    session.save()
    phone.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )
    return basket_for(city=city, session_key="visitor-in-the-browser", create=True)


def earlier_order(customer: Any, shop: Any) -> Checkout:
    basket = basket_for(city=shop.city, user=customer, create=True)
    product = shop.products.get()
    basket_add(basket=basket, product=product)
    now = timezone.now()
    slot = earliest_pickup_slot(shop=shop, products=[product], now=now)
    assert slot is not None
    return checkout_place(
        basket=basket,
        token="an-earlier-checkout-token",
        contact=CONTACT,
        choices={shop.pk: Collect(slot_starts_at=slot.starts_at)},
        expected=None,
        now=now,
        customer=customer,
    )


def check_page(page: Any, axe: Any, console: Any) -> None:
    violations = blocking(axe.run(page))
    assert violations == [], describe(violations)
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    assert console.errors == []


def summary_refreshed(page: Any) -> Any:
    """Waits for htmx to bring the summary of the choices just made."""
    return page.expect_response(lambda response: "/checkout/summary/" in response.url)


def test_it_takes_a_returning_customer_three_taps_from_product_to_pickup_code(
    live_server, phone, page, console, screenshot, axe, rouen
):
    customer = make_user(email="camille@example.fr", first_name="Camille", phone="+33612345678")
    earlier_order(customer, rouen["bakery"])
    log_in(live_server, phone, customer)
    tap = Taps()
    page.goto(f"{live_server.url}/rouen/au-bon-pain/baguette/")

    tap(page.locator(".purchase__button"))
    checkout = page.locator(".basket-sheet__checkout")
    checkout.wait_for()
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/"):
        tap(checkout)
    screenshot("checkout-returning")
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/done/**"):
        tap(page.locator(".co-confirm"))

    order = Order.objects.exclude(checkout__token="an-earlier-checkout-token").get()
    assert tap.count == 3
    assert order.fulfilment == Fulfilment.COLLECT
    assert order.contact_phone == "+33612345678"
    assert page.locator(".co-code__value").all_inner_texts() == [order.pickup_code]
    screenshot("confirmation-returning")
    check_page(page, axe, console)


def test_it_takes_a_guest_order_for_pickup_at_two_shops(
    live_server, phone, page, console, screenshot, axe, rouen
):
    basket = visitor_basket(live_server, phone, rouen["city"])
    for product in (rouen["bakery"].products.get(), rouen["cheese"].products.get()):
        basket_add(basket=basket, product=product, quantity=2)
    page.goto(f"{live_server.url}/rouen/checkout/")
    assert page.locator(".co-shop").count() == 2
    assert page.locator(".co-address").is_visible() is False  # nobody delivers yet
    check_page(page, axe, console)

    page.locator("#id_name").fill("Camille Martin")
    page.locator("#id_email").fill("camille@example.fr")
    page.locator("#id_phone").fill("06 12 34 56 78")
    screenshot("checkout-guest")
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/done/**"):
        page.locator(".co-confirm").tap()

    codes = sorted(Order.objects.values_list("pickup_code", flat=True))
    assert sorted(page.locator(".co-code__value").all_inner_texts()) == codes
    assert page.locator("img.co-code__qr").count() == 2
    for qr in page.locator("img.co-code__qr").all():
        assert qr.evaluate("image => image.complete && image.naturalWidth > 0") is True
    assert page.locator(".co-account__button").is_visible() is True
    screenshot("confirmation-guest")
    check_page(page, axe, console)


def test_it_refuses_delivery_outside_the_area_then_places_it_for_pickup(
    live_server, phone, page, console, screenshot, axe, rouen
):
    customer = make_user(email="camille@example.fr", first_name="Camille", phone="+33612345678")
    Address.objects.create(
        user=customer,
        recipient="Camille Martin",
        line1="1 place de la Concorde",
        postal_code="75008",
        locality="Paris",
        latitude=Decimal("48.865500"),
        longitude=Decimal("2.321100"),
        is_default=True,
    )
    # Where the typed postcode is, for the approximate geocoder (docs/fulfilment.md).
    PostcodeArea.objects.get_or_create(
        country="FR",
        postal_code="75008",
        defaults={
            "name": "Paris 8e",
            "latitude": Decimal("48.8755"),
            "longitude": Decimal("2.3106"),
        },
    )
    basket = basket_for(city=rouen["city"], user=customer, create=True)
    basket_add(basket=basket, product=rouen["cheese"].products.get(), quantity=2)
    log_in(live_server, phone, customer)
    page.goto(f"{live_server.url}/rouen/checkout/")
    shop = page.locator(".co-shop")

    with summary_refreshed(page):
        shop.locator(".co-kind__option", has=page.locator("input[value='delivery']")).tap()
    assert page.locator(".co-address").is_visible() is True
    # A saved address far from Rouen is not offered in Rouen's checkout: she types it.
    assert page.locator("#id_address-line1").input_value() == ""
    type_in(page, "#id_address-line1", "1 place de la Concorde")
    type_in(page, "#id_address-postal_code", "75008")
    type_in(page, "#id_address-locality", "Paris")
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/"):
        page.locator(".co-confirm").tap()

    with translation.override("fr"):
        outside = str(OutsideDeliveryZone())
    assert shop.locator(".co-shop__errors").inner_text() == outside
    assert Order.objects.count() == 0
    screenshot("checkout-outside-zone")
    check_page(page, axe, console)

    with summary_refreshed(page):
        shop.locator(".co-kind__option", has=page.locator("input[value='collect']")).tap()
    assert page.locator(".co-address").is_visible() is False
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/done/**"):
        page.locator(".co-confirm").tap()

    order = Order.objects.get()
    assert order.fulfilment == Fulfilment.COLLECT
    assert page.locator(".co-code__value").inner_text() == order.pickup_code
    assert console.errors == []

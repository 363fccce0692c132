"""Delivery by postcode on a phone: an address outside the zone is refused, then corrected."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from comptoir.domain.catalogue.models import Product
from comptoir.domain.fulfilment.errors import OutsideDeliveryZone
from comptoir.domain.fulfilment.services import delivery_postcodes_set
from comptoir.domain.orders.models import Basket, BasketLine, Checkout, Fulfilment, Order
from tests.domain.orders.support import delivery_shop
from tests.factories import make_city, make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def cheese(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    shop = delivery_shop(
        city,
        name="Fromagerie du Vieux-Marché",
        slug="fromagerie",
        delivery_fee=Decimal("3.50"),
        delivery_minimum=Decimal("10.00"),
    )
    delivery_postcodes_set(shop=shop, postal_codes=["76000", "76100"])
    return make_product(
        shop,
        name="Comté 18 mois",
        slug="comte",
        price=Decimal("12.50"),
        vat_rate=Decimal("5.50"),
        stock=5,
    )


def summary_refreshed(page):
    """Waits for htmx to bring the summary of the choices just made."""
    return page.expect_response(lambda response: "/checkout/summary/" in response.url)


def type_in(page, selector: str, value: str) -> None:
    """Type an address field and leave it, then wait for the summary, as a person would.

    (Leaving a field before the previous summary came back makes htmx abort that
    request, which it logs as a console error: `hx-sync` replace.)
    """
    with summary_refreshed(page):
        page.locator(selector).fill(value)
        page.locator(selector).blur()


def test_it_refuses_a_postcode_outside_the_zone_then_delivers_to_one_inside(
    live_server, page, console, screenshot, cheese: Product
):
    page.goto(f"{live_server.url}/rouen/fromagerie/comte/")
    page.locator(".purchase__button").tap()
    checkout = page.locator(".basket-sheet__checkout")
    checkout.wait_for()
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/"):
        checkout.tap()

    shop = page.locator(".co-shop")
    with summary_refreshed(page):
        shop.locator(".co-kind__option", has=page.locator("input[value='delivery']")).tap()
    assert page.locator(".co-address").is_visible() is True
    type_in(page, "#id_address-line1", "5 rue de Rivoli")
    type_in(page, "#id_address-postal_code", "75001")
    type_in(page, "#id_address-locality", "Paris")
    with translation.override("fr"):
        outside = str(OutsideDeliveryZone())
    expect(page.locator(".co-summary .co-warning")).to_have_text(outside)
    page.locator("#id_name").fill("Camille Martin")
    page.locator("#id_email").fill("camille@example.fr")
    page.locator("#id_phone").fill("06 12 34 56 78")
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/"):
        page.locator(".co-confirm").tap()

    assert shop.locator(".co-shop__errors").inner_text() == outside
    # The message suggests click & collect, and the choice is right there.
    assert shop.locator(".co-kind__option input[value='collect']").is_visible() is True
    assert shop.locator("input[value='delivery']").is_checked() is True
    assert page.locator("#id_address-postal_code").input_value() == "75001"
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert list(BasketLine.objects.values_list("product__name", "quantity")) == [
        ("Comté 18 mois", 1)
    ]
    cheese.refresh_from_db()
    assert cheese.stock == 5
    screenshot("delivery-zone-outside")
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    assert console.errors == []

    type_in(page, "#id_address-postal_code", "76000")
    type_in(page, "#id_address-locality", "Rouen")
    expect(page.locator(".co-summary .co-warning")).to_have_count(0)
    expect(page.locator(".co-summary .co-recap__where")).to_have_text(
        "5 rue de Rivoli, 76000 Rouen"
    )
    with page.expect_navigation(url=f"{live_server.url}/rouen/checkout/done/**"):
        page.locator(".co-confirm").tap()

    order = Order.objects.get()
    assert order.fulfilment == Fulfilment.DELIVERY
    assert (order.delivery_line1, order.delivery_postal_code, order.delivery_locality) == (
        "5 rue de Rivoli",
        "76000",
        "Rouen",
    )
    assert order.delivery_fee == Decimal("3.50")
    assert order.total == Decimal("16.00")
    facts = page.locator(".co-order__facts dd").all_inner_texts()
    assert facts[1] == "Camille Martin\n5 rue de Rivoli\n76000 Rouen"
    assert page.locator(".co-code__value").inner_text() == order.pickup_code
    assert BasketLine.objects.count() == 0
    assert Basket.objects.count() == 1
    cheese.refresh_from_db()
    assert cheese.stock == 4
    screenshot("delivery-zone-inside")
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    assert console.errors == []

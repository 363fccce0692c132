"""The last item, seen from two phones: the first to confirm gets it, the second is told."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import translation
from django.utils.translation import gettext

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.models import BasketLine, Checkout, Order
from comptoir.interfaces.storefront.basket_session import VISITOR_TOKEN_SESSION_KEY
from tests.browser.conftest import PHONE, SHOTS_DIR, ConsoleLog
from tests.domain.orders.support import collect_shop
from tests.factories import make_city, make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def last_cake(transactional_db) -> Product:
    city = make_city(name="Rouen", slug="rouen")
    shop = collect_shop(city, name="Pâtisserie Gosselin", slug="gosselin")
    return make_product(
        shop, name="Paris-Brest", slug="paris-brest", price=Decimal("24.00"), stock=1
    )


@pytest.fixture
def phones(browser) -> Any:
    """Two customers, each on a phone of their own (separate cookies and sessions)."""
    contexts = [browser.new_context(**PHONE) for _ in range(2)]
    yield contexts
    for context in contexts:
        context.close()


def open_page(context: Any) -> tuple[Any, ConsoleLog]:
    page = context.new_page()
    console = ConsoleLog()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    return page, console


def add_and_reach_checkout(page: Any, base: str, name: str, email: str) -> None:
    page.goto(f"{base}/rouen/gosselin/paris-brest/")
    page.locator(".purchase__button").tap()
    checkout = page.locator(".basket-sheet__checkout")
    checkout.wait_for()
    with page.expect_navigation(url=f"{base}/rouen/checkout/"):
        checkout.tap()
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#id_phone").fill("06 12 34 56 78")


def visitor_token_of(context: Any) -> str:
    """The basket key of the visitor whose session cookie `context` holds."""
    [cookie] = [c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    return SessionStore(session_key=cookie["value"])[VISITOR_TOKEN_SESSION_KEY]


def shot(page: Any, name: str) -> None:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS_DIR / f"{name}.png"), full_page=True)


def test_it_sells_the_last_item_once_and_tells_the_second_customer(
    live_server, phones, last_cake: Product
):
    base = live_server.url
    (first, first_console), (second, second_console) = (open_page(c) for c in phones)
    add_and_reach_checkout(first, base, "Camille Martin", "camille@example.fr")
    add_and_reach_checkout(second, base, "Zoé Leroy", "zoe@example.fr")
    assert BasketLine.objects.filter(product=last_cake).count() == 2

    with first.expect_navigation(url=f"{base}/rouen/checkout/done/**"):
        first.locator(".co-confirm").tap()
    with second.expect_navigation(url=f"{base}/rouen/checkout/"):
        second.locator(".co-confirm").tap()

    order = Order.objects.get()
    assert order.contact_email == "camille@example.fr"
    assert first.locator(".co-code__value").inner_text() == order.pickup_code
    assert Checkout.objects.count() == 1
    last_cake.refresh_from_db()
    assert last_cake.stock == 0

    with translation.override("fr"):
        sold_out = gettext("%(product)s: sold out.") % {"product": "Paris-Brest"}
    banner = second.locator("#co-shortfalls")
    assert banner.get_attribute("role") == "alert"
    assert banner.locator("li").all_inner_texts() == [sold_out]
    assert second.locator(".co-line__name").all_inner_texts() == ["Paris-Brest"]
    assert second.locator("#id_email").input_value() == "zoe@example.fr"
    shot(second, "last-item-second-customer")

    with second.expect_navigation(url=f"{base}/rouen/basket/"):
        banner.locator(".co-banner__link").tap()
    line = second.locator(f"#basket-line-{last_cake.pk}")
    assert line.locator(".basket-line__name").inner_text() == "Paris-Brest"
    with translation.override("fr"):
        warning = gettext("Sold out: remove it to order the rest.")
    assert line.locator(".basket-line__warning").inner_text() == warning
    assert second.locator(".basket-summary__checkout").count() == 0
    assert list(BasketLine.objects.values_list("basket__session_key", "product", "quantity")) == [
        (visitor_token_of(phones[1]), last_cake.pk, 1)
    ]
    assert Order.objects.count() == 1
    assert first_console.errors == []
    assert second_console.errors == []

"""The basket on a phone: add in one tap, see the Checkout button, change quantities."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.domain.orders.models import BasketLine
from tests.browser.test_accessibility import blocking, describe
from tests.factories import make_city, make_product, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"
# Set before a tap, read after it: still there means the page was not reloaded.
MARK_PAGE = "window.comptoirTestMark = 'same page'"
SAME_PAGE = "window.comptoirTestMark === 'same page'"


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    return Axe()


@pytest.fixture
def rouen(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    bakery = make_shop(
        city,
        name="Au Bon Pain",
        slug="au-bon-pain",
        delivery_enabled=True,
        delivery_minimum=Decimal("15.00"),
    )
    make_product(
        bakery,
        name="Pain de campagne au levain, grande miche de 1 kg",
        slug="pain-de-campagne",
        price=Decimal("7.90"),
        stock=10,
    )
    make_product(bakery, name="Croissant au beurre", slug="croissant", price=Decimal("1.20"))
    florist = make_shop(city, name="Fleurs de Seine", slug="fleurs")
    make_product(
        florist, name="Bouquet de tulipes", slug="tulipes", price=Decimal("18.00"), stock=1
    )
    return city


def test_it_adds_from_the_product_page_and_offers_checkout_at_once(
    live_server, page, console, screenshot, rouen
):
    page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
    assert page.locator(".basket-link__count").count() == 0
    page.evaluate(MARK_PAGE)

    page.get_by_role("button", name="Ajouter au panier").tap()

    checkout = page.locator(".basket-sheet__checkout")
    checkout.wait_for()
    assert checkout.get_attribute("href") == "/rouen/checkout/"
    assert checkout.is_visible() is True
    message = page.locator(".basket-sheet__message").inner_text()
    assert message.startswith("✓ ")
    assert message.endswith(
        ": Pain de campagne au levain, grande miche de 1 kg \N{MULTIPLICATION SIGN} 1"
    )
    assert page.locator(".basket-link__count").inner_text() == "1"
    assert page.evaluate(SAME_PAGE) is True
    box = checkout.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert box["y"] + box["height"] <= 844  # on screen, under the thumb
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("basket-confirmation")

    page.locator(".basket-sheet__close").tap()
    assert page.locator(".basket-sheet__panel").count() == 0
    assert list(BasketLine.objects.values_list("product__slug", "quantity")) == [
        ("pain-de-campagne", 1)
    ]
    assert console.errors == []


def test_it_adds_from_the_shop_page_in_one_tap(live_server, page, console, rouen):
    page.goto(f"{live_server.url}/rouen/au-bon-pain/")
    page.evaluate(MARK_PAGE)

    page.locator(".product", has_text="Croissant au beurre").locator(".product__add-button").tap()
    page.locator(".basket-sheet__checkout").wait_for()
    page.locator(".product", has_text="Croissant au beurre").locator(".product__add-button").tap()
    page.locator(".basket-link__count", has_text="2").wait_for()

    assert page.evaluate(SAME_PAGE) is True
    assert page.url == f"{live_server.url}/rouen/au-bon-pain/"
    assert list(BasketLine.objects.values_list("product__slug", "quantity")) == [("croissant", 2)]
    assert console.errors == []


def test_it_steps_quantities_on_the_basket_page(live_server, page, console, screenshot, rouen):
    for path in ("/rouen/au-bon-pain/pain-de-campagne/", "/rouen/fleurs/tulipes/"):
        page.goto(f"{live_server.url}{path}")
        page.get_by_role("button", name="Ajouter au panier").tap()
        page.locator(".basket-sheet__checkout").wait_for()
    page.locator(".basket-sheet__basket").tap()
    page.wait_for_url(f"{live_server.url}/rouen/basket/")
    subtotals = page.locator(".basket-shop__amount")
    assert subtotals.all_inner_texts() == ["7,90\xa0€", "18,00\xa0€"]
    assert page.locator(".basket-shop__delivery").count() == 1
    screenshot("basket")
    page.evaluate(MARK_PAGE)

    more = (
        page.locator(".basket-line", has_text="Pain de campagne").locator(".stepper__button").last
    )
    more.tap()
    page.locator(".basket-shop__amount", has_text="15,80").wait_for()

    assert subtotals.all_inner_texts() == ["15,80\xa0€", "18,00\xa0€"]
    assert page.locator(".basket-summary__amount").inner_text() == "33,80\xa0€"
    assert page.locator(".basket-link__count").inner_text() == "3"
    assert page.locator(".basket-shop__delivery").count() == 0  # 15,80 € reaches the minimum
    assert page.evaluate(SAME_PAGE) is True
    # The tapped button keeps the focus after the swap (same id in the new fragment).
    assert page.evaluate("document.activeElement.id") == more.get_attribute("id")
    for button in page.locator(".stepper__button").all():
        box = button.bounding_box()
        assert box is not None
        assert box["height"] >= 44
        assert box["width"] >= 44
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True

    page.locator(".basket-line", has_text="Bouquet").locator(".basket-line__remove-button").tap()
    page.locator(".basket-link__count", has_text="2").wait_for()
    assert page.locator(".basket-shop__name").all_inner_texts() == ["Au Bon Pain"]
    assert page.locator(".basket-summary__checkout").get_attribute("href") == "/rouen/checkout/"
    assert list(BasketLine.objects.values_list("product__slug", "quantity")) == [
        ("pain-de-campagne", 2)
    ]
    assert console.errors == []


def test_it_steps_quantities_without_javascript(browser, live_server, rouen):
    from tests.browser.conftest import PHONE

    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
        page.get_by_role("button", name="Ajouter au panier").click()
        page.wait_for_url(f"{live_server.url}/rouen/basket/")
        assert page.locator(".basket-message__checkout").get_attribute("href") == (
            "/rouen/checkout/"
        )

        page.locator(".stepper__button").last.click()
        page.wait_for_url(f"{live_server.url}/rouen/basket/")
        assert page.locator(".stepper__value").inner_text() == "2"
        assert page.locator(".basket-shop__amount").inner_text() == "15,80\xa0€"
        assert page.locator(".basket-link__count").inner_text() == "2"
    finally:
        context.close()


def test_it_has_no_serious_accessibility_violation_on_the_basket(live_server, page, axe, rouen):
    page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
    page.get_by_role("button", name="Ajouter au panier").tap()
    page.locator(".basket-sheet__checkout").wait_for()
    violations = blocking(axe.run(page))
    assert violations == [], describe(violations)

    page.goto(f"{live_server.url}/rouen/basket/")
    violations = blocking(axe.run(page))
    assert violations == [], describe(violations)

    page.goto(f"{live_server.url}/rouen/au-bon-pain/")
    violations = blocking(axe.run(page))
    assert violations == [], describe(violations)

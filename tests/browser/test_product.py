"""The product page on a phone: read the allergens, pick a quantity, go back to the shop."""

from __future__ import annotations

from decimal import Decimal

import pytest

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Unit
from tests.factories import make_city, make_product, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def bakery(transactional_db):
    shop = make_shop(make_city(name="Rouen", slug="rouen"), name="Au Bon Pain", slug="au-bon-pain")
    make_product(
        shop,
        name="Pain de campagne au levain, grande miche de 1 kg à partager",
        slug="pain-de-campagne",
        description="Levain naturel, farine de meule, cuisson au feu de bois.",
        price=Decimal("7.90"),
        unit=Unit.KG,
        allergens=Allergen.GLUTEN | Allergen.SESAME,
        stock=3,
    )
    make_product(shop, name="Croissant au beurre", slug="croissant", stock=0)
    return shop


def test_it_opens_a_product_from_the_shop_and_reads_what_to_know(
    live_server, page, console, screenshot, bakery
):
    page.goto(f"{live_server.url}/rouen/au-bon-pain/")
    with page.expect_navigation(url=f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/"):
        page.locator(".product", has_text="Pain de campagne").tap()

    assert page.locator("h1").inner_text() == (
        "Pain de campagne au levain, grande miche de 1 kg à partager"
    )
    assert page.locator(".item__amount").inner_text() == "7,90\xa0€"
    assert page.locator(".item__unit").inner_text() == "/ kg"
    assert page.locator(".allergens__list li").all_inner_texts() == ["Gluten", "Graines de sésame"]
    assert page.locator(".purchase__button").is_disabled() is False
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("product")

    with page.expect_navigation(url=f"{live_server.url}/rouen/au-bon-pain/"):
        page.locator(".breadcrumb a").tap()
    assert console.errors == []


def test_it_steps_the_quantity_within_the_stock(live_server, page, console, bakery):
    page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
    quantity = page.locator("#quantity")
    less = page.locator(".quantity__step[data-step='-1']")
    more = page.locator(".quantity__step[data-step='1']")
    assert less.is_visible() is True
    assert less.get_attribute("aria-disabled") == "true"

    more.tap()
    more.tap()
    assert quantity.input_value() == "3"  # the stock
    assert more.get_attribute("aria-disabled") == "true"
    more.tap(force=True)  # at the limit, a tap changes nothing
    assert quantity.input_value() == "3"
    assert less.get_attribute("aria-disabled") == "false"

    less.tap()
    assert quantity.input_value() == "2"
    quantity.fill("1")
    assert less.get_attribute("aria-disabled") == "true"

    for box in (less.bounding_box(), more.bounding_box(), quantity.bounding_box()):
        assert box is not None
        assert box["height"] >= 44
    assert console.errors == []


def test_it_works_without_javascript(browser, live_server, bakery):
    from tests.browser.conftest import PHONE

    context = browser.new_context(**PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
        # No dead buttons: minus and plus stay hidden, the number input does the job.
        assert page.locator(".quantity__step").count() == 2
        assert page.locator(".quantity__step:visible").count() == 0
        page.locator("#quantity").fill("2")
        assert page.locator("#quantity").input_value() == "2"
    finally:
        context.close()


def test_it_posts_the_quantity_to_the_basket(live_server, page, console, bakery):
    from comptoir.domain.orders.models import BasketLine

    page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
    page.locator(".quantity__step[data-step='1']").tap()
    page.get_by_role("button", name="Ajouter au panier").tap()
    page.locator(".basket-sheet__checkout").wait_for()

    assert list(BasketLine.objects.values_list("product__slug", "quantity")) == [
        ("pain-de-campagne", 2)
    ]
    assert console.errors == []

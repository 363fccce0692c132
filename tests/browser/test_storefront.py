"""The storefront on a phone: browse a city, open a shop, switch language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Closure, Trade
from tests.factories import make_category, make_city, make_opening_hours, make_product, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TUESDAY_MORNING = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)  # 10:00 in Paris

NO_HORIZONTAL_SCROLL = "document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def frozen_clock():
    # The live server runs in another thread of this process: patching the
    # storefront's clock seam freezes "now" for the pages it serves.
    with mock.patch(
        "comptoir.interfaces.storefront.views.current_time", return_value=TUESDAY_MORNING
    ):
        yield TUESDAY_MORNING


@pytest.fixture
def rouen(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    bakery = make_shop(
        city,
        name="Au Bon Pain",
        slug="au-bon-pain",
        tagline="Pains au levain cuits au feu de bois",
        description="Farines de meules normandes, levain maison, 48 h de fermentation.",
        phone="+33235000000",
        delivery_enabled=True,
        delivery_fee=Decimal("3.50"),
        delivery_minimum=Decimal("20.00"),
    )
    for day in range(1, 6):
        make_opening_hours(bakery, day, "07:30", "13:00")
        make_opening_hours(bakery, day, "15:00", "19:30")
    make_opening_hours(bakery, 6, "08:00", "12:30")
    Closure.objects.create(
        shop=bakery, starts_on=date(2026, 8, 3), ends_on=date(2026, 8, 24), reason="Congés d'été"
    )
    breads = make_category(bakery, name="Pains", position=0)
    viennoiseries = make_category(bakery, name="Viennoiseries", position=1)
    make_product(
        bakery,
        name="Baguette tradition",
        category=breads,
        price=Decimal("1.30"),
        allergens=Allergen.GLUTEN,
        description="Croustillante, mie alvéolée.",
    )
    make_product(
        bakery,
        name="Pain de campagne au levain, grande miche de 1 kg à partager",
        category=breads,
        price=Decimal("7.90"),
        unit=Unit.KG,
        allergens=Allergen.GLUTEN | Allergen.SESAME,
    )
    make_product(
        bakery,
        name="Croissant au beurre",
        category=viennoiseries,
        price=Decimal("1.20"),
        stock=0,
        allergens=Allergen.GLUTEN | Allergen.MILK | Allergen.EGGS,
    )
    make_product(bakery, name="Sac à pain en lin", price=Decimal("12.00"), allergens=Allergen(0))

    night_bakery = make_shop(city, name="La Mie du Soir", slug="la-mie-du-soir")
    make_opening_hours(night_bakery, 1, "16:00", "20:00")
    cheese = make_shop(
        city,
        name="Fromagerie du Vieux-Marché",
        slug="fromagerie",
        trade=Trade.CHEESE,
        tagline="Neufchâtel, camembert au lait cru et tommes d'alpage",
    )
    make_opening_hours(cheese, 2, "09:00", "19:00")
    make_shop(
        city,
        name="Boucherie Martin",
        slug="boucherie-martin",
        trade=Trade.BUTCHER,
        is_paused=True,
        locality="Mont-Saint-Aignan",
    )
    return city


def test_it_browses_the_city_and_opens_a_shop_on_a_phone(
    live_server, page, console, screenshot, rouen, frozen_clock
):
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/rouen/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Rouen"

    titles = page.locator(".trade__title").all_inner_texts()
    assert [" ".join(t.split()) for t in titles] == ["Boulangerie 2", "Boucherie 1", "Fromagerie 1"]
    assert page.locator(".shop-card__link").all_inner_texts() == [
        "Au Bon Pain",
        "La Mie du Soir",
        "Boucherie Martin",
        "Fromagerie du Vieux-Marché",
    ]
    badges = page.locator(".shop-card .badge").all_inner_texts()
    assert badges == [
        "Ouvert · jusqu’à 13:00",
        "Fermé · ouvre aujourd’hui à 16:00",
        "Fermé",
        "Fermé · ouvre demain à 9:00",
    ]
    assert page.locator(".chip--paused").all_inner_texts() == ["Commandes en pause"]
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("home")

    with page.expect_navigation(url=f"{live_server.url}/rouen/au-bon-pain/"):
        page.locator(".shop-card", has_text="Au Bon Pain").tap()
    assert page.locator("h1").inner_text() == "Au Bon Pain"
    assert page.locator(".shelf__title").all_inner_texts() == ["Pains", "Viennoiseries", "Autres"]
    assert page.locator(".product__amount").all_inner_texts() == [
        "1,30\xa0€",
        "7,90\xa0€",
        "1,20\xa0€",
        "12,00\xa0€",
    ]
    assert page.locator(".product--sold-out .product__name").all_inner_texts() == [
        "Croissant au beurre"
    ]
    assert page.locator(".hours__today th").inner_text() == "Mardi\naujourd’hui"
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("shop")

    assert console.errors == []


def test_it_switches_to_english_and_back(live_server, page, console, rouen, frozen_clock):
    page.goto(f"{live_server.url}/rouen/au-bon-pain/")
    assert page.locator("html").get_attribute("lang") == "fr"

    with page.expect_navigation():
        page.get_by_role("button", name="EN", exact=True).tap()
    assert page.url == f"{live_server.url}/rouen/au-bon-pain/"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".product__amount").first.inner_text() == "€1.30"
    assert page.locator(".shelf__title").last.inner_text() == "Other"
    assert page.get_by_role("button", name="EN", exact=True).get_attribute("aria-pressed") == "true"

    with page.expect_navigation():
        page.get_by_role("button", name="FR", exact=True).tap()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".product__amount").first.inner_text() == "1,30\xa0€"

    assert console.errors == []


def test_it_shows_the_friendly_404_page(live_server, page, console, screenshot, rouen):
    response = page.goto(f"{live_server.url}/rouen/inconnue/")
    assert response is not None
    assert response.status == 404
    assert page.locator(".notice__code").inner_text() == "404"
    assert page.evaluate(NO_HORIZONTAL_SCROLL) is True
    screenshot("404")
    # The browser logs the 404 status of the page itself; nothing else may fail.
    assert [e for e in console.errors if "404" not in e] == []

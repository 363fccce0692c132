"""Search on a phone: results appear as you type, without a page load."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import make_city, make_product, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rouen(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    pastry = make_shop(city, name="Pâtisserie Lemoine", slug="lemoine", trade="pastry")
    make_product(pastry, name="Éclair au chocolat", slug="eclair", price=Decimal("2.80"))
    make_product(pastry, name="Paris-Brest", slug="paris-brest", price=Decimal("4.50"))
    return city


def test_it_shows_results_as_you_type_without_a_page_load(
    live_server, page, console, screenshot, rouen
):
    page.goto(f"{live_server.url}/rouen/search/")
    page.evaluate("window.__sameDocument = true")
    field = page.get_by_role("searchbox")
    assert field.get_attribute("id") == "search-q"

    with page.expect_response(lambda r: "/rouen/search/?" in r.url and "q=eclair" in r.url):
        field.press_sequentially("eclair", delay=30)
    hit = page.locator(".search-hit__link")
    hit.first.wait_for()
    assert hit.all_inner_texts() == ["Éclair au chocolat"]
    # The count lands in the live region (its words are translated centrally).
    announced = page.locator("#search-status").inner_text()
    assert (announced.split()[0], "eclair" in announced) == ("1", True)
    assert page.evaluate("window.__sameDocument") is True  # no full page load
    assert page.url == f"{live_server.url}/rouen/search/?q=eclair&trade="
    assert console.errors == []
    screenshot("search-eclair")

"""axe-core on the customer pages at phone size: no serious or critical violation."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Trade
from tests.factories import make_category, make_city, make_opening_hours, make_product, make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    return Axe()


@pytest.fixture
def rouen(transactional_db):
    city = make_city(name="Rouen", slug="rouen")
    bakery = make_shop(
        city,
        name="Au Bon Pain",
        slug="au-bon-pain",
        tagline="Pains au levain cuits au feu de bois",
        description="Farines de meules normandes, levain maison.",
        phone="+33235000000",
        delivery_enabled=True,
        delivery_fee=Decimal("3.50"),
    )
    for day in range(6):
        make_opening_hours(bakery, day, "07:30", "19:30")
    breads = make_category(bakery, name="Pains")
    make_product(
        bakery,
        name="Pain de campagne",
        slug="pain-de-campagne",
        category=breads,
        description="Levain naturel.",
        price=Decimal("7.90"),
        unit=Unit.KG,
        allergens=Allergen.GLUTEN | Allergen.SESAME,
    )
    make_product(bakery, name="Croissant au beurre", category=breads, stock=0)
    make_product(bakery, name="Sac à pain en lin", allergens=Allergen(0))
    make_shop(city, name="Fleurs de Seine", slug="fleurs", trade=Trade.FLORIST, is_paused=True)
    return city


def blocking(results: Any) -> list[dict[str, Any]]:
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(
        [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
                "summary": v["nodes"][0]["failureSummary"] if v["nodes"] else "",
            }
            for v in violations
        ],
        indent=2,
        ensure_ascii=False,
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/rouen/", 200),
        ("/rouen/au-bon-pain/", 200),
        ("/rouen/au-bon-pain/pain-de-campagne/", 200),
        ("/offline/", 200),
        ("/rouen/inconnue/", 404),
    ],
)
def test_it_has_no_serious_accessibility_violation(live_server, page, axe, rouen, path, status):
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None
    assert response.status == status
    violations = blocking(axe.run(page))
    assert violations == [], describe(violations)


def test_it_has_no_serious_violation_in_english(live_server, browser, axe, rouen):
    from tests.browser.conftest import PHONE

    context = browser.new_context(**(PHONE | {"locale": "en-GB"}))
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/rouen/au-bon-pain/pain-de-campagne/")
        assert page.locator("html").get_attribute("lang") == "en"
        violations = blocking(axe.run(page))
        assert violations == [], describe(violations)
    finally:
        context.close()

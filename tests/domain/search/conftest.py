from datetime import UTC, datetime

import pytest

from tests.factories import make_category, make_city, make_product, make_shop

# Tuesday 9 June 2026, 10:00 in Paris.
TUESDAY_MORNING = datetime(2026, 6, 9, 8, 0, tzinfo=UTC)


@pytest.fixture
def catalogue(city):
    """A small Rouen: a bakery, a pastry shop and a cheese shop."""
    bakery = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    pastry = make_shop(city, name="Pâtisserie Lemoine", slug="lemoine", trade="pastry")
    cheese = make_shop(city, name="Fromagerie Dupont", slug="dupont", trade="cheese")
    viennoiseries = make_category(bakery, name="Viennoiseries")
    products = {
        "eclair": make_product(pastry, name="Éclair au chocolat", slug="eclair"),
        "pain_choco": make_product(
            bakery, name="Pain au chocolat", slug="pain-au-chocolat", category=viennoiseries
        ),
        "croissant": make_product(
            bakery, name="Croissant", slug="croissant", category=viennoiseries
        ),
        "baguette": make_product(bakery, name="Baguette tradition", slug="baguette"),
        "comte": make_product(
            cheese,
            name="Comté 18 mois",
            slug="comte",
            description="Parfait avec une baguette croustillante.",
        ),
    }
    return {"bakery": bakery, "pastry": pastry, "cheese": cheese, **products}


@pytest.fixture
def other_city(db):
    return make_city(name="Caen", slug="caen")

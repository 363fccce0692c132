"""The shop page's product cards, written in Python (templatetags/product_cards.py).

They replace a template loop, so every branch that loop had is pinned here:
the unit wording, the sold-out badges, allergens, the description, the
photo, the add form (absent when sold out or when the shop pauses orders),
and escaping.
"""

import functools
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Product, Unit
from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db

CARDS = Template("{% load product_cards %}{% product_cards products %}")


def cards(shop, products, language="en", **extra) -> str:
    context = {
        "shop": shop,
        "city": shop.city,
        "shop_url": "/rouen/au-bon-pain/",
        "basket_add_url": "/rouen/basket/add/",
        "csrf_slot": "@@CSRF@@",
        "products": products,
    }
    with translation.override(language):
        return CARDS.render(Context(context | extra))


@pytest.fixture
def shop(city):
    return make_shop(city, name="Au Bon Pain", slug="au-bon-pain")


def test_a_card_links_prices_and_offers_the_add_form(shop):
    bread = make_product(shop, name="Pain de mie", slug="pain-de-mie", price=Decimal("2.40"))
    html = cards(shop, [bread])
    assert html.startswith('<li class="product">')
    assert '<a class="product__link" href="/rouen/au-bon-pain/pain-de-mie/">Pain de mie</a>' in html
    assert '<span class="product__amount">€2.40</span>' in html
    assert '<span class="product__unit">/ piece</span>' in html
    assert 'action="/rouen/basket/add/"' in html
    assert "@@CSRF@@" in html
    assert f'name="product" value="{bread.pk}"' in html
    assert '<span class="visually-hidden"> Pain de mie</span>' in html
    assert "product__allergens" not in html
    assert "product__description" not in html
    assert "<img" not in html


def test_per_person_reads_without_a_slash_and_weights_with_one(shop):
    platter = make_product(shop, unit=Unit.PERSON)
    cheese = make_product(shop, unit=Unit.KG)
    html = cards(shop, [platter, cheese])
    assert '<span class="product__unit">per person</span>' in html
    assert '<span class="product__unit">/ kg</span>' in html


def test_sold_out_and_sold_out_today_have_their_badge_and_no_add_form(shop):
    gone = make_product(shop, stock=0)
    today = make_product(shop, sold_out_until=timezone.now() + timedelta(hours=3))
    for product, badge in ((gone, "Sold out"), (today, "Sold out today")):
        html = cards(shop, [product])
        assert html.startswith('<li class="product product--sold-out">')
        assert f'<span class="badge badge--sold-out">{badge}</span>' in html
        assert "product__add" not in html


def test_a_shop_that_pauses_orders_shows_no_add_form(shop):
    shop.is_paused = True
    html = cards(shop, [make_product(shop)])
    assert "product__add" not in html
    assert "product--sold-out" not in html


def test_allergens_description_and_photo(shop):
    tart = make_product(
        shop,
        description="Pâte sablée & crème",
        allergens=Allergen.GLUTEN | Allergen.EGGS | Allergen.MILK,
        photo="products/tart.jpg",
    )
    html = cards(shop, [tart])
    assert (
        '<p class="product__allergens"><span class="product__allergens-label">Allergens:</span> '
        "Gluten, Eggs, Milk</p>"
    ) in html
    assert '<p class="product__description">Pâte sablée &amp; crème</p>' in html
    assert re.search(r'<img class="product__photo" src="/media/products/tart\.jpg"', html)


def test_everything_a_shop_types_is_escaped(shop):
    evil = make_product(shop, name='<script>alert("x")</script>', description="<b>gras</b>")
    html = cards(shop, [evil])
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_labels_follow_the_language(shop):
    product = make_product(shop, stock=0, unit=Unit.KG)
    html = cards(shop, [product], language="fr")
    assert "Épuisé" in html
    assert "1,30" in html


def test_allergens_are_named_in_each_language_in_turn(shop):
    """Their names are kept per allergen set and language: a French page never reads English."""
    tart = make_product(shop, allergens=Allergen.GLUTEN | Allergen.MILK)

    english, french, english_again = (
        cards(shop, [tart], language=language) for language in ("en", "fr", "en")
    )

    assert "Allergens:</span> Gluten, Milk</p>" in english
    assert "</span> Gluten, Lait</p>" in french
    assert english_again == english


def test_the_unit_label_is_the_choice_label_for_every_unit():
    # Ours, not the one Django generates (a dict of every lazy label per call).
    assert not isinstance(Product.__dict__["get_unit_display"], functools.partialmethod)
    for value, label in Unit.choices:
        assert Product(unit=value).get_unit_display() == str(label)
    assert Product(unit="unknown").get_unit_display() == "unknown"


def test_a_label_with_an_apostrophe_reads_as_the_template_wrote_it(shop):
    product = make_product(shop, sold_out_until=timezone.now() + timedelta(hours=3))
    html = cards(shop, [product], language="fr")
    assert "Épuisé aujourd'hui" in html

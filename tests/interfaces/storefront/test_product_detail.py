import re
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.models import Unit
from comptoir.domain.shops.models import Trade
from tests.factories import make_category, make_city, make_product, make_shop

pytestmark = pytest.mark.django_db

URL = "/rouen/au-bon-pain/baguette-tradition/"


def english(client: Client, url: str):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(html: str, css_class: str) -> str:
    """The text of the first element with `css_class` (up to its closing tag)."""
    match = re.search(rf'<(\w+) class="{css_class}"[^>]*>(.*?)</\1>', html, re.S)
    assert match is not None, css_class
    return text(match.group(2))


@pytest.fixture
def bakery(city):
    return make_shop(city, name="Au Bon Pain", slug="au-bon-pain")


@pytest.fixture
def baguette(bakery):
    return make_product(
        bakery,
        name="Baguette tradition",
        slug="baguette-tradition",
        category=make_category(bakery, name="Pains"),
        description="Croustillante.\n\nMie alvéolée.",
        price=Decimal("1.30"),
        vat_rate=Decimal("5.50"),
        allergens=Allergen.GLUTEN | Allergen.SESAME,
        stock=12,
    )


def test_it_shows_the_product_with_its_price_and_vat(client, baguette):
    response = english(client, URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="item__name">Baguette tradition</h1>' in html
    assert '<p class="item__category">Pains</p>' in html
    assert section(html, "item__amount") == "€1.30"
    assert section(html, "item__unit") == "/ piece"
    assert section(html, "item__tax") == "incl. VAT · VAT 5.5%"
    assert "<p>Croustillante.</p>\n\n<p>Mie alvéolée.</p>" in html
    assert "<title>Baguette tradition · Au Bon Pain · Comptoir</title>" in html


def test_its_description_for_search_engines_is_the_products_first_30_words(client, bakery):
    words = [f"mot{n}" for n in range(40)]
    make_product(bakery, name="Pain long", slug="long", description=" ".join(words))
    make_product(bakery, name="Pain court & <bon>", slug="court", description="")
    long = client.get("/rouen/au-bon-pain/long/").content.decode()
    short = client.get("/rouen/au-bon-pain/court/").content.decode()
    assert f'<meta name="description" content="{" ".join(words[:30])} …">' in long
    assert '<meta name="description" content="Pain court &amp; &lt;bon&gt;">' in short
    assert "<title>Pain court &amp; &lt;bon&gt; · Au Bon Pain · Comptoir</title>" in short


def test_it_shows_the_french_price(client, baguette):
    html = client.get(URL).content.decode()
    assert '<span class="item__amount">1,30\xa0€</span>' in html
    assert re.search(r"TVA 5,5\s%", section(html, "item__tax"))


def test_it_shows_the_price_per_unit_of_sale(client, bakery):
    make_product(bakery, slug="miche", price=Decimal("7.90"), unit=Unit.KG, vat_rate=Decimal("10"))
    html = english(client, "/rouen/au-bon-pain/miche/").content.decode()
    assert section(html, "item__unit") == "/ kg"
    assert section(html, "item__tax") == "incl. VAT · VAT 10%"


def test_it_links_back_to_the_shop(client, baguette):
    html = english(client, URL).content.decode()
    assert (
        '<nav class="breadcrumb" aria-label="Breadcrumb">\n'
        '  <a href="/rouen/au-bon-pain/">Au Bon Pain</a>\n</nav>' in html
    )


def test_it_shows_the_photo_with_its_size(client, bakery):
    make_product(bakery, slug="pain", photo="products/pain.jpg")
    html = client.get("/rouen/au-bon-pain/pain/").content.decode()
    assert (
        '<img class="item__photo" src="/media/products/pain.jpg" alt="" width="640" height="480">'
        in html
    )


def test_it_lists_the_allergens_in_words_before_the_order_form(client, baguette):
    html = english(client, URL).content.decode()
    allergens = html.index('<section class="allergens"')
    assert allergens < html.index('<form class="purchase"')
    assert section(html, "allergens__list") == "Gluten Sesame"
    assert section(html, "allergens__note") == (
        "As declared by Au Bon Pain. In doubt, ask the shop before ordering."
    )


def test_it_says_when_a_food_declares_no_allergen(client, bakery):
    make_product(bakery, slug="eau", allergens=Allergen(0))
    html = english(client, "/rouen/au-bon-pain/eau/").content.decode()
    assert section(html, "allergens__none") == "No declared allergen."
    assert "allergens__list" not in html


@pytest.mark.parametrize("trade", [Trade.FLORIST, Trade.BOOKS])
def test_it_shows_no_allergen_block_for_a_non_food_trade(client, city, trade):
    shop = make_shop(city, slug="boutique", trade=trade)
    make_product(shop, slug="bouquet", allergens=Allergen(0))
    html = client.get("/rouen/boutique/bouquet/").content.decode()
    assert 'class="allergens' not in html


def test_it_still_shows_allergens_a_non_food_shop_declares(client, city):
    bookshop = make_shop(city, slug="librairie", trade=Trade.BOOKS)
    make_product(bookshop, slug="chocolats", allergens=Allergen.MILK | Allergen.NUTS)
    html = english(client, "/rouen/librairie/chocolats/").content.decode()
    assert section(html, "allergens__list") == "Milk Tree nuts"


def test_it_shows_the_quantity_picker_with_the_stock_as_maximum(client, baguette):
    html = english(client, URL).content.decode()
    assert (
        '<input class="quantity__input" id="quantity" name="quantity" type="number" '
        'inputmode="numeric" min="1" max="12" step="1" value="1" required>' in html
    )
    assert '<label class="quantity__label" for="quantity">Quantity</label>' in html
    # The minus and plus buttons wait for quantity.js; the number input works alone.
    assert html.count('class="quantity__step" type="button"') == 2
    assert html.count(" hidden>") == 2
    assert f'<input type="hidden" name="product" value="{baguette.pk}">' in html


def test_it_caps_the_quantity_of_made_to_order_products(client, bakery):
    make_product(bakery, slug="gateau", stock=None)
    html = client.get("/rouen/au-bon-pain/gateau/").content.decode()
    assert 'min="1" max="99"' in html


def test_it_loads_the_quantity_script_deferred(client, baguette):
    html = client.get(URL).content.decode()
    assert '<script src="/static/js/quantity.js" defer></script>' in html


def test_it_waits_for_the_basket_before_taking_orders(client, baguette):
    with mock.patch(
        "comptoir.interfaces.storefront.product_views.basket_add_url", return_value=None
    ):
        html = english(client, URL).content.decode()
    assert '<form class="purchase" method="post">' in html
    assert (
        '<button class="button purchase__button" type="submit" disabled>'
        "Ordering opens soon</button>" in html
    )
    assert "Add to basket" not in html


def test_it_posts_to_the_basket_once_it_exists(client, baguette):
    html = english(client, URL).content.decode()
    assert (
        '<form class="purchase" method="post" action="/rouen/basket/add/" '
        'hx-post="/rouen/basket/add/" hx-target="#basket-sheet">' in html
    )
    assert '<button class="button purchase__button" type="submit">Add to basket</button>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Ordering opens soon" not in html


def test_it_shows_a_sold_out_product_without_the_order_form(client, bakery):
    make_product(bakery, slug="croissant", stock=0)
    html = english(client, "/rouen/au-bon-pain/croissant/").content.decode()
    assert '<article class="item item--sold-out">' in html
    assert section(html, "badge badge--sold-out") == "Sold out"
    assert section(html, "alert") == (
        "This product is sold out for now. Come back soon or ask the shop."
    )
    assert '<form class="purchase"' not in html


def test_it_pauses_the_order_button_of_a_paused_shop(client, city):
    shop = make_shop(city, slug="en-pause", is_paused=True)
    make_product(shop, slug="pain")
    with mock.patch(
        "comptoir.interfaces.storefront.product_views.basket_add_url",
        return_value="/rouen/basket/add/",
    ):
        html = english(client, "/rouen/en-pause/pain/").content.decode()
    assert (
        '<button class="button purchase__button" type="submit" disabled '
        'aria-describedby="purchase-note">Orders paused</button>' in html
    )
    assert section(html, "purchase__note") == "This shop is not taking orders right now."


def test_it_hides_a_product_not_on_sale(client, bakery):
    make_product(bakery, slug="retire", is_active=False)
    assert client.get("/rouen/au-bon-pain/retire/").status_code == 404


def test_it_hides_the_products_of_an_unpublished_shop(client, city):
    shop = make_shop(city, slug="brouillon", is_active=False)
    make_product(shop, slug="pain")
    assert client.get("/rouen/brouillon/pain/").status_code == 404


def test_it_hides_the_products_of_a_city_not_live(client):
    city = make_city(slug="caen", is_live=False)
    make_product(make_shop(city, slug="fournil"), slug="pain")
    assert client.get("/caen/fournil/pain/").status_code == 404


def test_it_does_not_show_a_product_under_another_shop(client, city, baguette):
    make_shop(city, slug="autre")
    assert client.get("/rouen/autre/baguette-tradition/").status_code == 404


def test_it_does_not_show_a_product_under_another_city(client, baguette):
    make_shop(make_city(slug="caen"), slug="au-bon-pain")
    assert client.get("/caen/au-bon-pain/baguette-tradition/").status_code == 404


def test_it_renders_in_one_query(client, baguette, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200


def test_it_is_linked_from_the_shop_page(client, baguette):
    html = client.get("/rouen/au-bon-pain/").content.decode()
    assert (
        '<h4 class="product__name"><a class="product__link" '
        'href="/rouen/au-bon-pain/baguette-tradition/">Baguette tradition</a></h4>' in html
    )

"""The basket pages: add, change, remove, see; full pages and htmx fragments."""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comptoir.domain.orders.models import Basket, BasketLine
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.interfaces.storefront.basket_session import VISITOR_TOKEN_SESSION_KEY
from tests.factories import make_city, make_product, make_shop, make_user

pytestmark = pytest.mark.django_db

BASKET = "/rouen/basket/"
ADD = "/rouen/basket/add/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TIMES = "\N{MULTIPLICATION SIGN}"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}


def text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def texts(html: str, css_class: str) -> list[str]:
    """The text of every element whose class list starts with `css_class`."""
    pattern = rf'<(\w+) class="{css_class}(?: [^"]*)?"[^>]*>(.*?)</\1>'
    return [text(match.group(2)) for match in re.finditer(pattern, html, re.S)]


def field_value(form: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', form)
    assert match is not None, name
    return match.group(1)


def line_url(product) -> str:
    return f"/rouen/basket/lines/{product.pk}/"


def lines() -> list[tuple[str, int]]:
    return sorted(BasketLine.objects.values_list("product__name", "quantity"))


def visitor_basket(client: Client, city) -> Basket:
    token = client.session[VISITOR_TOKEN_SESSION_KEY]
    return Basket.objects.get(city=city, user=None, session_key=token)


@pytest.fixture
def bakery(city):
    return make_shop(
        city,
        name="Au Bon Pain",
        slug="au-bon-pain",
        delivery_enabled=True,
        delivery_minimum=Decimal("15.00"),
    )


@pytest.fixture
def bread(bakery):
    return make_product(bakery, name="Pain de campagne", slug="pain", price=Decimal("7.90"))


@pytest.fixture
def croissant(bakery):
    return make_product(bakery, name="Croissant", slug="croissant", price=Decimal("1.20"))


@pytest.fixture
def in_basket(client, city, bread):
    """A visitor (the `client`) with 2 loaves in their basket."""
    client.post(ADD, {"product": bread.pk, "quantity": "2"})
    client.get(BASKET)  # shows (and so clears) the confirmation message
    assert lines() == [("Pain de campagne", 2)]
    return visitor_basket(client, city)


# Adding


def test_it_adds_a_product_and_shows_the_basket_with_a_checkout_button(client, city, bread):
    response = client.post(ADD, {"product": bread.pk, "quantity": "2"}, **EN)

    assert response.status_code == 302
    assert response["Location"] == BASKET
    assert lines() == [("Pain de campagne", 2)]
    basket = visitor_basket(client, city)
    assert basket.user is None
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == ["Pain de campagne is in your basket (2)."]
    assert '<a class="button basket-message__checkout" href="/rouen/checkout/">Checkout</a>' in html


def test_a_tap_on_add_orders_nothing_in_sql(client, city, bread, croissant):
    """The product, the basket and its line are each one row: no ORDER BY to compile.

    Django 6.1 compiles an ORDER BY against every column selected: ~50 for a
    product with its shop, read by `first()` on each tap before.
    """
    client.force_login(make_user())
    client.post(ADD, {"product": bread.pk})

    with CaptureQueriesContext(connection) as queries:
        client.post(ADD, {"product": croissant.pk})

    assert lines() == [("Croissant", 1), ("Pain de campagne", 1)]
    assert [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]] == []


def test_it_adds_one_when_no_quantity_is_given(client, bread):
    client.post(ADD, {"product": bread.pk})
    assert lines() == [("Pain de campagne", 1)]


def test_it_adds_to_the_line_already_in_the_basket(client, bread, in_basket):
    client.post(ADD, {"product": bread.pk, "quantity": "3"})
    assert lines() == [("Pain de campagne", 5)]
    assert Basket.objects.count() == 1


def test_it_adds_to_the_customers_own_basket(client, city, bread):
    customer = make_user()
    client.force_login(customer)

    client.post(ADD, {"product": bread.pk, "quantity": "1"})

    basket = Basket.objects.get()
    assert (basket.user, basket.session_key) == (customer, "")
    assert lines() == [("Pain de campagne", 1)]


def test_it_answers_htmx_with_the_confirmation_and_the_new_count(client, bread, croissant):
    client.post(ADD, {"product": croissant.pk, "quantity": "2"})

    response = client.post(ADD, {"product": bread.pk, "quantity": "1"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "basket-sheet__message") == [
        f"✓ Added to your basket: Pain de campagne {TIMES} 1"
    ]
    assert '<a class="button basket-sheet__checkout" href="/rouen/checkout/">Checkout</a>' in html
    assert texts(html, "button button--quiet basket-sheet__basket") == ["Basket (3 items)"]
    assert (
        '<a class="basket-link" id="basket-link" href="/rouen/basket/" hx-swap-oob="true">' in html
    )
    assert texts(html, "basket-link__count") == ["3"]
    assert "<html" not in html
    assert lines() == [("Croissant", 2), ("Pain de campagne", 1)]


def test_it_keeps_basket_answers_out_of_every_cache(client, bread):
    for response in (
        client.post(ADD, {"product": bread.pk}),
        client.post(ADD, {"product": bread.pk}, **HTMX),
        client.post(line_url(bread), {"quantity": "1"}, **HTMX),
        client.get(BASKET),
    ):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private", "no-cache"} <= cache_control


@pytest.mark.parametrize(
    ("product", "quantity", "message"),
    [
        ("abc", "1", "This product is no longer available."),
        ("", "1", "This product is no longer available."),
        ("999999", "1", "This product is no longer available."),
        ("-3", "1", "This product is no longer available."),
        ("bread", "abc", "A quantity is a whole number from 1 to 99."),
        ("bread", "", "A quantity is a whole number from 1 to 99."),
        ("bread", "0", "A quantity is a whole number from 1 to 99."),
        ("bread", "-1", "A quantity is a whole number from 1 to 99."),
        ("bread", "1.5", "A quantity is a whole number from 1 to 99."),
        ("bread", "100", "A quantity is a whole number from 1 to 99."),
        ("bread", "99999999999999999999999", "A quantity is a whole number from 1 to 99."),
        ("bread", "²", "A quantity is a whole number from 1 to 99."),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(client, bread, product, quantity, message):
    product_id = bread.pk if product == "bread" else product

    response = client.post(ADD, {"product": product_id, "quantity": quantity}, **EN)

    assert response.status_code == 302
    assert response["Location"] == BASKET
    assert not Basket.objects.exists()
    assert not BasketLine.objects.exists()
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == [message]
    assert "basket-message__checkout" not in html


def test_it_refuses_a_product_of_another_city(client, city):
    elsewhere = make_product(make_shop(make_city(slug="caen")), name="Teurgoule")

    client.post(ADD, {"product": elsewhere.pk}, **EN)

    assert not Basket.objects.exists()
    assert not BasketLine.objects.exists()
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == [
        "Teurgoule is sold in another city than this basket's."
    ]


@pytest.mark.parametrize(
    ("fields", "shop_fields", "quantity", "message"),
    [
        ({"stock": 0}, {}, "1", "Pain de campagne is sold out for now."),
        ({"stock": 2}, {}, "3", "Not enough left: Pain de campagne (2 left)."),
        ({"is_active": False}, {}, "1", "Pain de campagne is not on sale at the moment."),
        ({}, {"is_active": False}, "1", "Pain de campagne is not on sale at the moment."),
        (
            {},
            {"is_paused": True},
            "1",
            "Au Bon Pain paused orders for now. Please try again later.",
        ),
    ],
)
def test_it_refuses_what_cannot_be_ordered_now(
    client, bakery, bread, fields, shop_fields, quantity, message
):
    type(bread).objects.filter(pk=bread.pk).update(**fields)
    type(bakery).objects.filter(pk=bakery.pk).update(**shop_fields)

    client.post(ADD, {"product": bread.pk, "quantity": quantity}, **EN)

    assert not Basket.objects.exists()
    assert not BasketLine.objects.exists()
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == [message]


def test_it_answers_a_refused_htmx_add_with_the_reason_only(client, bread, in_basket):
    type(bread).objects.filter(pk=bread.pk).update(stock=0)

    response = client.post(ADD, {"product": bread.pk}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "basket-sheet__message") == ["Pain de campagne is sold out for now."]
    assert "basket-sheet__panel--error" in html
    assert "/rouen/checkout/" not in html
    assert "hx-swap-oob" not in html
    assert lines() == [("Pain de campagne", 2)]


def test_it_only_takes_posts(client, bread):
    assert client.get(ADD).status_code == 405
    assert client.get(line_url(bread)).status_code == 405
    assert client.post(BASKET).status_code == 405


def test_it_has_no_basket_in_a_city_not_live(client):
    make_city(slug="caen", is_live=False)
    assert client.get("/caen/basket/").status_code == 404
    assert client.post("/caen/basket/add/", {"product": "1"}).status_code == 404


# Changing quantities


def test_it_sets_the_quantity_of_a_line(client, bread, in_basket):
    response = client.post(line_url(bread), {"quantity": "5"})

    assert response.status_code == 302
    assert response["Location"] == BASKET
    assert lines() == [("Pain de campagne", 5)]


def test_it_removes_a_line_at_zero(client, bread, croissant, in_basket):
    basket_add(basket=in_basket, product=croissant, quantity=1)

    client.post(line_url(bread), {"quantity": "0"}, **EN)

    assert lines() == [("Croissant", 1)]
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == ["Pain de campagne is out of your basket."]


@pytest.mark.parametrize("quantity", ["abc", "", "-1", "100", "2.5", "1e3", "99999999999999999"])
def test_it_refuses_a_bad_quantity_and_changes_nothing(client, bread, in_basket, quantity):
    client.post(line_url(bread), {"quantity": quantity}, **EN)

    assert lines() == [("Pain de campagne", 2)]
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == ["A quantity is a whole number from 0 to 99."]


def test_it_refuses_an_unknown_product_line(client, bread, in_basket):
    client.post("/rouen/basket/lines/999999/", {"quantity": "1"}, **EN)

    assert lines() == [("Pain de campagne", 2)]
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == ["This product is no longer available."]


def test_it_writes_nothing_for_a_visitor_without_a_basket(client, bread):
    client.post(line_url(bread), {"quantity": "3"}, **EN)

    assert not Basket.objects.exists()
    assert not BasketLine.objects.exists()
    html = client.get(BASKET, **EN).content.decode()
    assert texts(html, "basket-message__text") == ["Your basket is empty."]


def test_it_does_not_touch_another_visitors_basket(client, city, bread, in_basket):
    other = Client()

    other.post(line_url(bread), {"quantity": "0"})

    assert lines() == [("Pain de campagne", 2)]


def test_it_answers_htmx_with_the_basket_body_and_the_new_count(
    client, bread, croissant, in_basket
):
    basket_add(basket=in_basket, product=croissant, quantity=1)

    response = client.post(line_url(bread), {"quantity": "3"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<div class="basket" id="basket" hx-target="#basket" hx-swap="outerHTML">'
    )
    assert "<html" not in html
    assert texts(html, "stepper__value") == ["3", "1"]  # in the order they were added
    assert texts(html, "basket-line__total") == ["€23.70", "€1.20"]
    assert texts(html, "basket-shop__amount") == ["€24.90"]
    assert texts(html, "basket-summary__amount") == ["€24.90"]
    assert texts(html, "basket-link__count") == ["4"]
    assert 'hx-swap-oob="true"' in html
    assert lines() == [("Croissant", 1), ("Pain de campagne", 3)]


def test_it_answers_a_refused_htmx_change_in_the_basket_body(client, bread, in_basket):
    response = client.post(line_url(bread), {"quantity": "abc"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "basket-message basket-message--error") == [
        "A quantity is a whole number from 0 to 99."
    ]
    assert texts(html, "stepper__value") == ["2"]
    assert lines() == [("Pain de campagne", 2)]


def test_it_shows_the_empty_basket_after_the_last_line_goes(client, bread, in_basket):
    html = client.post(line_url(bread), {"quantity": "0"}, **HTMX).content.decode()

    assert texts(html, "basket-empty") == ["Your basket is empty. See the shops of Rouen"]
    assert '<a class="button" href="/rouen/">See the shops of Rouen</a>' in html
    assert texts(html, "basket-link__count") == []
    assert lines() == []


# The basket page


def test_it_shows_an_empty_basket_without_writing(client, city):
    response = client.get(BASKET, **EN)

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "basket-empty") == ["Your basket is empty. See the shops of Rouen"]
    assert "/rouen/checkout/" not in html
    assert not Basket.objects.exists()
    assert VISITOR_TOKEN_SESSION_KEY not in client.session


def test_it_groups_lines_by_shop_with_totals_and_the_checkout_button(
    client, city, bakery, bread, croissant, in_basket
):
    florist = make_shop(city, name="Fleurs de Seine", slug="fleurs")
    tulips = make_product(florist, name="Tulipes", slug="tulipes", price=Decimal("12.00"))
    basket_add(basket=in_basket, product=croissant, quantity=3)
    basket_add(basket=in_basket, product=tulips, quantity=1)

    html = client.get(BASKET, **EN).content.decode()

    assert texts(html, "basket-shop__name") == ["Au Bon Pain", "Fleurs de Seine"]
    assert '<a href="/rouen/au-bon-pain/">Au Bon Pain</a>' in html
    assert texts(html, "basket-line__name") == ["Pain de campagne", "Croissant", "Tulipes"]
    assert '<a href="/rouen/au-bon-pain/pain/">Pain de campagne</a>' in html
    assert texts(html, "basket-line__price") == ["€7.90 / piece", "€1.20 / piece", "€12.00 / piece"]
    assert texts(html, "stepper__value") == ["2", "3", "1"]
    assert texts(html, "basket-line__total") == ["€15.80", "€3.60", "€12.00"]
    assert texts(html, "basket-shop__amount") == ["€19.40", "€12.00"]
    assert texts(html, "basket-summary__amount") == ["€31.40"]
    assert '<a class="button basket-summary__checkout" href="/rouen/checkout/">Checkout</a>' in html
    assert texts(html, "basket-line__warning") == []
    assert texts(html, "basket-link__count") == ["6"]


def test_it_says_what_is_missing_for_delivery(client, bread, in_basket):
    client.post(line_url(bread), {"quantity": "1"})

    html = client.get(BASKET, **EN).content.decode()

    assert texts(html, "basket-shop__delivery") == [
        "Add €7.10 more for delivery (minimum €15.00). Click & collect has no minimum."
    ]


def test_it_says_nothing_about_delivery_once_the_minimum_is_reached(client, bread, in_basket):
    html = client.get(BASKET, **EN).content.decode()  # 2 x 7.90 = 15.80
    assert texts(html, "basket-shop__delivery") == []


def test_it_warns_about_products_that_cannot_be_ordered(
    client, city, bakery, bread, croissant, in_basket
):
    baguette = make_product(bakery, name="Baguette", slug="baguette", stock=5)
    basket_add(basket=in_basket, product=croissant, quantity=1)
    basket_add(basket=in_basket, product=baguette, quantity=4)
    type(bread).objects.filter(pk=bread.pk).update(stock=0)
    type(croissant).objects.filter(pk=croissant.pk).update(is_active=False)
    type(baguette).objects.filter(pk=baguette.pk).update(stock=3)

    html = client.get(BASKET, **EN).content.decode()

    assert texts(html, "basket-line__warning") == [
        "Sold out: remove it to order the rest.",
        "No longer on sale: remove it to order the rest.",
        "Only 3 left: lower the quantity to order.",
    ]
    assert texts(html, "basket-line__fix") == ["Keep 3"]
    assert "/rouen/checkout/" not in html
    assert texts(html, "basket-summary__blocked") == [
        "Some products above cannot be ordered now: change or remove them to check out."
    ]
    # Sold out and withdrawn lines can only be removed; the short one can go down.
    assert texts(html, "stepper__value") == ["4"]
    assert texts(html, "basket-line__remove-button") == [
        "Remove Pain de campagne",
        "Remove Croissant",
        "Remove Baguette",
    ]


def test_it_tells_that_a_shop_paused_orders(client, bakery, bread, in_basket):
    type(bakery).objects.filter(pk=bakery.pk).update(is_paused=True)

    html = client.get(BASKET, **EN).content.decode()

    assert texts(html, "basket-shop__notice") == [
        "Au Bon Pain has paused orders for now. Keep these products for later, "
        "or remove them to check out the rest."
    ]
    assert "/rouen/checkout/" not in html


def test_it_steps_quantities_with_plain_forms(client, bread, in_basket):
    html = client.get(BASKET, **EN).content.decode()

    url = line_url(bread)
    forms = re.findall(
        rf'<form class="[^"]*" method="post" action="{url}" hx-post="{url}">.*?</form>', html, re.S
    )
    values = [field_value(form, "quantity") for form in forms]
    assert values == ["1", "3", "0"]  # minus, plus, remove
    assert all('name="csrfmiddlewaretoken"' in form for form in forms)


def test_it_disables_plus_at_the_stock(client, bakery, in_basket):
    last_two = make_product(bakery, name="Brioche", slug="brioche", stock=2)
    basket_add(basket=in_basket, product=last_two, quantity=2)

    html = client.get(BASKET, **EN).content.decode()

    assert f'id="basket-line-{last_two.pk}-more" type="submit" aria-label="One more" disabled>' in (
        html
    )


@pytest.mark.parametrize("shop_count", [1, 3])
def test_it_reads_the_basket_in_a_fixed_number_of_queries(
    client, city, shop_count, django_assert_num_queries
):
    client.post(ADD, {"product": make_product(make_shop(city)).pk})  # creates the session
    basket = visitor_basket(client, city)
    for _ in range(shop_count):
        shop = make_shop(city)
        for _ in range(3):
            basket_add(basket=basket, product=make_product(shop), quantity=2)

    # session, city, basket, lines with products, shops and cities
    with django_assert_num_queries(4):
        response = client.get(BASKET)

    assert response.status_code == 200
    assert len(texts(response.content.decode(), "basket-line__name")) == 1 + 3 * shop_count


# The header's basket link


def test_it_shows_the_basket_count_in_the_header(client, bakery, bread, croissant, in_basket):
    client.post(ADD, {"product": croissant.pk, "quantity": "3"})

    html = client.get("/rouen/au-bon-pain/", **EN).content.decode()

    assert '<a class="basket-link" id="basket-link" href="/rouen/basket/">' in html
    assert texts(html, "basket-link__count") == ["5"]
    assert '<span class="visually-hidden">Basket: 5 items</span>' in html


def test_it_counts_only_this_citys_basket(client, city, bread, in_basket):
    caen = make_city(name="Caen", slug="caen")
    make_shop(caen, slug="fournil")

    html = client.get("/caen/fournil/").content.decode()

    assert '<a class="basket-link" id="basket-link" href="/caen/basket/">' in html
    assert texts(html, "basket-link__count") == []


def test_it_counts_a_customers_basket(client, city, bread):
    customer = make_user()
    basket_add(basket=basket_for(city=city, user=customer, create=True), product=bread, quantity=4)
    client.force_login(customer)

    html = client.get("/rouen/", **EN).content.decode()

    assert texts(html, "basket-link__count") == ["4"]
    assert "Basket: 4 items" in html


def test_it_costs_no_query_for_a_visitor_without_a_basket(client, bread, django_assert_num_queries):
    with django_assert_num_queries(1):  # the product, as before the basket link
        html = client.get("/rouen/au-bon-pain/pain/", **EN).content.decode()

    assert '<a class="basket-link" id="basket-link" href="/rouen/basket/">' in html
    assert "Basket: 0 items" in html
    assert texts(html, "basket-link__count") == []


def test_it_costs_one_query_for_a_visitor_with_a_basket(
    client, bread, in_basket, django_assert_num_queries
):
    with django_assert_num_queries(3):  # session, product, basket count
        html = client.get("/rouen/au-bon-pain/pain/", **EN).content.decode()

    assert texts(html, "basket-link__count") == ["2"]


def test_it_shows_no_basket_link_outside_a_city(client, city):
    make_city(slug="caen")  # two live cities: the chooser is shown

    html = client.get("/").content.decode()

    assert "basket-link" not in html


# The add buttons on the product and shop pages


def test_it_adds_from_the_product_page_in_one_tap(client, bread):
    html = client.get("/rouen/au-bon-pain/pain/", **EN).content.decode()

    assert (
        '<form class="purchase" method="post" action="/rouen/basket/add/" '
        'hx-post="/rouen/basket/add/" hx-target="#basket-sheet">' in html
    )
    assert '<div class="basket-sheet" id="basket-sheet" aria-live="polite"></div>' in html


def test_it_puts_an_add_button_on_each_shop_product_card(client, bakery, bread, croissant):
    make_product(bakery, name="Chouquettes", slug="chouquettes", stock=0)

    html = client.get("/rouen/au-bon-pain/", **EN).content.decode()

    forms = re.findall(r'<form class="product__add".*?</form>', html, re.S)
    assert [field_value(form, "product") for form in forms] == [
        str(croissant.pk),
        str(bread.pk),
    ]
    assert all(
        'action="/rouen/basket/add/"' in f and 'name="quantity" value="1"' in f for f in forms
    )
    assert texts(html, "product__add-button") == ["+ Add Croissant", "+ Add Pain de campagne"]


def test_it_puts_no_add_button_in_a_paused_shop(client, bakery, bread):
    type(bakery).objects.filter(pk=bakery.pk).update(is_paused=True)
    html = client.get("/rouen/au-bon-pain/").content.decode()
    assert "product__add" not in html

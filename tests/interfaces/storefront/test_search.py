import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.shops.models import Trade
from tests.factories import make_city, make_opening_hours, make_product, make_shop

pytestmark = pytest.mark.django_db


def english(client: Client, url: str, **headers):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en", **headers)


def hit_names(html: str) -> list[str]:
    return re.findall(r'<a class="search-hit__link" href="[^"]+">([^<]+)</a>', html)


def status(html: str) -> str:
    match = re.search(r'<p class="results-note" id="search-status"[^>]*>(.*?)</p>', html, re.S)
    assert match is not None
    return match.group(1).strip()


@pytest.fixture
def bakery(city):
    shop = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    make_product(
        shop,
        name="Éclair au chocolat",
        slug="eclair",
        price=Decimal("2.80"),
        allergens=Allergen.GLUTEN | Allergen.MILK,
    )
    make_product(shop, name="Pain au chocolat", slug="pain-au-chocolat", stock=0)
    return shop


def test_it_shows_an_accessible_search_form(client, city):
    html = english(client, "/rouen/search/").content.decode()
    assert '<form class="search-form" method="get" action="/rouen/search/" role="search"' in html
    assert '<label class="search-form__label" for="search-q">Product or shop</label>' in html
    assert 'hx-trigger="input changed delay:200ms, search"' in html
    assert 'hx-target="#search-results" hx-push-url="true"' in html
    assert 'id="search-status" role="status" aria-live="polite"' in html
    assert "Type what you are looking for" in html
    assert " style=" not in html
    assert "hx-on" not in html


def test_it_lists_matching_products_with_shop_price_allergens_and_sold_out(client, bakery):
    html = english(client, "/rouen/search/?q=chocolat").content.decode()
    assert sorted(hit_names(html)) == ["Pain au chocolat", "Éclair au chocolat"]
    assert status(html) == "2 products match “chocolat”."
    assert 'href="/rouen/au-bon-pain/eclair/">Éclair au chocolat</a>' in html
    assert '<a href="/rouen/au-bon-pain/">Au Bon Pain</a>' in html
    assert '<span class="product__amount">€2.80</span>' in html
    assert "Gluten, Milk" in html
    assert '<li class="product search-hit product--sold-out">' in html
    assert '<span class="badge badge--sold-out">Sold out</span>' in html


def test_it_finds_without_accents_and_lists_matching_shops(client, bakery):
    html = english(client, "/rouen/search/?q=eclair").content.decode()
    assert hit_names(html) == ["Éclair au chocolat"]
    html = english(client, "/rouen/search/?q=bon+pain").content.decode()
    assert '<a class="shop-card__link" href="/rouen/au-bon-pain/">Au Bon Pain</a>' in html


def test_it_returns_only_the_results_to_htmx(client, bakery):
    response = english(client, "/rouen/search/?q=eclair", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert hit_names(html) == ["Éclair au chocolat"]
    assert '<p id="search-status" hx-swap-oob="innerHTML">1 product matches “eclair”.</p>' in html
    assert "HX-Request" in [header.strip() for header in response["Vary"].split(",")]


def test_it_serves_the_whole_page_when_htmx_restores_history(client, bakery):
    html = english(
        client,
        "/rouen/search/?q=eclair",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    ).content.decode()
    assert "<html" in html
    assert hit_names(html) == ["Éclair au chocolat"]


def test_it_filters_by_trade_and_keeps_the_choice(client, city, bakery):
    make_product(make_shop(city, trade=Trade.PASTRY), name="Éclair café", slug="eclair-cafe")
    html = english(client, "/rouen/search/?q=eclair&trade=pastry").content.decode()
    assert hit_names(html) == ["Éclair café"]
    assert '<option value="pastry" selected>Pastry shop</option>' in html


def test_it_ignores_an_unknown_trade(client, bakery):
    html = english(client, "/rouen/search/?q=eclair&trade=nope").content.decode()
    assert hit_names(html) == ["Éclair au chocolat"]


def test_it_filters_on_shops_open_now(client, city, bakery, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday 10:00 in Paris
    make_opening_hours(bakery, 1, "07:00", "09:00")
    late = make_shop(city, name="Chez Lucie")
    make_opening_hours(late, 1, "09:00", "19:00")
    make_product(late, name="Éclair praliné", slug="eclair-praline")
    html = english(client, "/rouen/search/?q=eclair&open=1").content.decode()
    assert hit_names(html) == ["Éclair praliné"]
    assert 'name="open" value="1" checked' in html
    assert "Open now · until 19:00" in html


def test_it_says_when_nothing_matches(client, bakery):
    html = english(client, "/rouen/search/?q=zzzzqqq").content.decode()
    assert hit_names(html) == []
    assert status(html) == "Nothing matches “zzzzqqq”."


def test_it_says_when_results_are_only_close(client, bakery):
    html = english(client, "/rouen/search/?q=eclairre").content.decode()
    assert hit_names(html) == ["Éclair au chocolat"]
    assert status(html) == "No exact match for “eclairre”: 1 close product."


def test_it_survives_odd_input(client, bakery):
    for query in ['"', "*", "NEAR(", "%00", "x" * 500, "'; DROP TABLE x; --"]:
        response = english(client, f"/rouen/search/?q={query}")
        assert response.status_code == 200


def test_it_shows_nothing_of_another_city(client, bakery):
    make_product(make_shop(make_city(slug="caen")), name="Éclair de Caen", slug="eclair-caen")
    assert hit_names(english(client, "/rouen/search/?q=eclair").content.decode()) == [
        "Éclair au chocolat"
    ]


def test_it_answers_404_for_an_unknown_city(client, db):
    assert client.get("/atlantis/search/?q=pain").status_code == 404


def test_it_runs_a_fixed_number_of_queries(client, city, django_assert_num_queries):
    for n in range(12):
        shop = make_shop(city, name=f"Boulangerie du Pain {n}", slug=f"b-{n}")
        make_opening_hours(shop, 1, "07:00", "19:00")
        make_product(shop, name=f"Pain de mie {n}", slug=f"pain-{n}")
    # city, product ids (on SQLite: name matches, then the rest), shop ids,
    # products, shops, hours, closures
    with django_assert_num_queries(8 if connection.vendor == "sqlite" else 7):
        response = client.get("/rouen/search/?q=boulangerie+pain")
    html = response.content.decode()
    assert len(hit_names(html)) == 12
    assert html.count('<a class="shop-card__link"') == 6

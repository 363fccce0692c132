import re

import pytest
from django.test import Client

from comptoir.domain.shops.models import Trade
from tests.factories import make_city, make_opening_hours, make_shop

pytestmark = pytest.mark.django_db


def english(client: Client, url: str):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def section_titles(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", title).strip()
        for title in re.findall(r'<h2 class="trade__title"[^>]*>(.*?)</h2>', html, re.S)
    ]


def shop_names(html: str) -> list[str]:
    return re.findall(r'<a class="shop-card__link" href="[^"]+">([^<]+)</a>', html)


def test_it_shows_the_city_name_and_a_search_form(client, city):
    response = english(client, "/rouen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Rouen</h1>" in html
    assert '<form class="search" method="get" action="/rouen/search/" role="search">' in html
    assert 'name="q"' in html


def test_it_groups_shops_by_trade_with_a_count(client, city, freeze_storefront_clock):
    freeze_storefront_clock()
    make_shop(city, name="Fromagerie Dupont", trade=Trade.CHEESE)
    make_shop(city, name="Au Bon Pain", trade=Trade.BAKERY)
    make_shop(city, name="La Mie Câline", trade=Trade.BAKERY)
    html = english(client, "/rouen/").content.decode()
    assert section_titles(html) == [
        'Bakery <span class="trade__count">2</span>',
        'Cheese shop <span class="trade__count">1</span>',
    ]
    assert shop_names(html) == ["Au Bon Pain", "La Mie Câline", "Fromagerie Dupont"]


def test_it_links_each_card_to_its_shop_page(client, city):
    make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    html = client.get("/rouen/").content.decode()
    assert '<a class="shop-card__link" href="/rouen/au-bon-pain/">Au Bon Pain</a>' in html


def test_it_hides_unpublished_shops(client, city):
    make_shop(city, name="Au Bon Pain")
    make_shop(city, name="Pas Encore Prête", is_active=False)
    assert shop_names(client.get("/rouen/").content.decode()) == ["Au Bon Pain"]


def test_it_shows_the_tagline_locality_and_fulfilment_chips(client, city):
    make_shop(city, tagline="Pains au levain", locality="Bois-Guillaume", delivery_enabled=True)
    html = english(client, "/rouen/").content.decode()
    assert '<p class="shop-card__tagline">Pains au levain</p>' in html
    assert '<p class="shop-card__locality">Bois-Guillaume</p>' in html
    assert '<li class="chip">Click & collect</li>' in html
    assert '<li class="chip">Delivery</li>' in html
    assert "Orders paused" not in html


def test_it_marks_a_paused_shop(client, city):
    make_shop(city, is_paused=True, collect_enabled=False)
    html = english(client, "/rouen/").content.decode()
    assert '<li class="chip chip--paused">Orders paused</li>' in html
    assert "Click & collect" not in html


def test_it_shows_open_now_until_closing_time(client, city, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday 10:00 in Paris
    shop = make_shop(city)
    make_opening_hours(shop, 1, "07:30", "13:00")
    html = english(client, "/rouen/").content.decode()
    assert '<span class="badge badge--open">Open now · until 13:00</span>' in html


def test_it_shows_closed_and_when_it_opens(client, city, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday 10:00 in Paris
    shop = make_shop(city)
    make_opening_hours(shop, 2, "07:30", "13:00")
    html = english(client, "/rouen/").content.decode()
    assert '<span class="badge badge--closed">Closed · opens tomorrow at 7:30</span>' in html


def test_it_names_the_weekday_of_the_next_opening_in_french(client, city, freeze_storefront_clock):
    freeze_storefront_clock()  # Tuesday
    shop = make_shop(city)
    make_opening_hours(shop, 5, "08:00", "12:00")
    html = client.get("/rouen/").content.decode()
    assert '<span class="badge badge--closed">Fermé · ouvre samedi à 8:00</span>' in html


def test_it_filters_shops_by_name_or_tagline(client, city):
    make_shop(city, name="Fromagerie Dupont", trade=Trade.CHEESE)
    make_shop(city, name="Chez Paul", tagline="Pain au levain, fromages")
    make_shop(city, name="Boucherie Martin", trade=Trade.BUTCHER)
    response = english(client, "/rouen/?q=FROMAGE")
    html = response.content.decode()
    assert shop_names(html) == ["Chez Paul", "Fromagerie Dupont"]
    assert 'value="FROMAGE"' in html
    assert "2 shops match “FROMAGE”." in html


def test_it_says_when_no_shop_matches(client, city):
    make_shop(city, name="Au Bon Pain")
    html = english(client, "/rouen/?q=poisson").content.decode()
    assert shop_names(html) == []
    assert "No shop matches your search yet." in html


def test_it_answers_404_for_an_unknown_city(client, city):
    response = english(client, "/paris/")
    assert response.status_code == 404
    assert "We could not find this page" in response.content.decode()


def test_it_answers_404_for_a_city_that_is_not_live(client):
    make_city(slug="le-havre", is_live=False)
    assert client.get("/le-havre/").status_code == 404


@pytest.mark.parametrize(("shop_count", "shown"), [(3, 3), (30, 24)])  # 30: 6 per trade
def test_it_renders_in_a_fixed_number_of_queries(
    client, city, shop_count, shown, django_assert_num_queries, freeze_storefront_clock
):
    freeze_storefront_clock()
    for i in range(shop_count):
        shop = make_shop(city, trade=list(Trade.values)[i % 4])
        make_opening_hours(shop, 1, "07:30", "13:00")
        make_opening_hours(shop, 1, "15:00", "19:30")
    # city, counts by trade, shops with city, hours, closures; the deals strip
    with django_assert_num_queries(6):
        response = client.get("/rouen/")
    assert len(shop_names(response.content.decode())) == shown


def test_it_shows_six_shops_per_trade_and_links_to_the_rest(client, city):
    for letter in "HGFEDCBA":
        make_shop(city, name=f"Boulangerie {letter}")
    make_shop(city, name="Fromagerie A", trade=Trade.CHEESE)

    html = english(client, "/rouen/").content.decode()

    assert shop_names(html) == [f"Boulangerie {letter}" for letter in "ABCDEF"] + ["Fromagerie A"]
    assert section_titles(html)[0] == 'Bakery <span class="trade__count">8</span>'
    assert re.findall(r'<p class="trade__more"><a [^>]*href="([^"]+)">([^<]+)</a>', html) == [
        ("?trade=bakery", "See all 8 · Bakery")
    ]


def test_it_lists_one_trade_page_by_page(client, city):
    for n in range(30):
        make_shop(city, name=f"Boulangerie {n:02d}")
    make_shop(city, name="Fromagerie A", trade=Trade.CHEESE)

    first = english(client, "/rouen/?trade=bakery").content.decode()
    second = english(client, "/rouen/?trade=bakery&page=2").content.decode()

    assert shop_names(first) == [f"Boulangerie {n:02d}" for n in range(24)]
    assert shop_names(second) == [f"Boulangerie {n:02d}" for n in range(24, 30)]
    assert '<span class="pager__status">Page 1 of 2</span>' in first
    assert 'rel="next" href="?trade=bakery&amp;page=2"' in first
    assert 'rel="prev" href="?trade=bakery&amp;page=1"' in second
    assert "trade__more" not in first
    assert 'href="?trade=bakery" aria-current="page">Bakery' in first


def test_it_keeps_the_search_when_narrowing_to_a_trade(client, city):
    make_shop(city, name="Fromagerie Beauvoisine", trade=Trade.CHEESE)
    make_shop(city, name="Boulangerie du Fromage", trade=Trade.BAKERY)
    make_shop(city, name="Boucherie Martin", trade=Trade.BUTCHER)

    html = english(client, "/rouen/?q=from&trade=cheese").content.decode()

    assert shop_names(html) == ["Fromagerie Beauvoisine"]
    assert 'href="?q=from&amp;trade=bakery">Bakery <span class="shelf-nav__count">1</span>' in html
    assert "Butcher" not in html


def test_it_answers_404_for_an_unknown_trade(client, city):
    make_shop(city)

    assert client.get("/rouen/?trade=garage").status_code == 404

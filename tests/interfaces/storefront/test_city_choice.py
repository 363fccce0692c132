"""Choosing a city: the index lists live cities and brings a visitor back to the one chosen."""

from __future__ import annotations

import pytest

from comptoir.interfaces.storefront.views import CITY_COOKIE, CITY_COOKIE_AGE
from tests.factories import make_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def cities():
    return make_city(name="Rouen", slug="rouen"), make_city(name="Le Havre", slug="le-havre")


def test_visiting_a_citys_home_remembers_it_for_a_year(client, cities):
    response = client.get("/le-havre/")

    cookie = response.cookies[CITY_COOKIE]
    assert cookie.value == "le-havre"
    assert cookie["max-age"] == CITY_COOKIE_AGE == 365 * 24 * 3600
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_the_home_does_not_set_the_cookie_again_for_the_same_city(client, cities):
    client.cookies[CITY_COOKIE] = "le-havre"

    assert CITY_COOKIE not in client.get("/le-havre/").cookies


def test_the_index_lists_the_live_cities_to_a_first_visitor(client, cities):
    make_city(name="Caen", slug="caen", is_live=False)

    response = client.get("/")

    assert response.status_code == 200
    assert [c.slug for c in response.context["cities"]] == ["le-havre", "rouen"]
    assert "Cookie" in response["Vary"]


def test_the_index_brings_a_visitor_back_to_the_city_they_chose(client, cities):
    client.get("/le-havre/")

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/le-havre/"
    assert "Cookie" in response["Vary"]


def test_choose_shows_the_list_even_with_a_remembered_city(client, cities):
    client.get("/le-havre/")

    response = client.get("/?choose=1")

    assert response.status_code == 200
    assert len(response.context["cities"]) == 2


def test_choose_shows_the_list_even_with_a_single_city(client):
    make_city(name="Rouen", slug="rouen")

    assert client.get("/?choose=1").status_code == 200
    assert client.get("/")["Location"] == "/rouen/"


def test_choosing_another_city_replaces_the_remembered_one(client, cities):
    client.get("/le-havre/")
    client.get("/rouen/")

    assert client.get("/")["Location"] == "/rouen/"


@pytest.mark.parametrize("remembered", ["caen", "nowhere", "", "../admin"])
def test_a_remembered_city_that_is_not_live_is_forgotten(client, cities, remembered):
    make_city(name="Caen", slug="caen", is_live=False)
    client.cookies[CITY_COOKIE] = remembered

    response = client.get("/")

    assert response.status_code == 200
    assert len(response.context["cities"]) == 2


def test_every_page_offers_to_change_city(client, cities):
    for url in ("/rouen/", "/rouen/deals/", "/rouen/search/?q=pain", "/accounts/login/"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert '<a id="change-city" href="/?choose=1">' in html, url


def test_the_footer_names_the_current_city_beside_change_city(client, cities):
    html = client.get("/le-havre/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'Le Havre · <a id="change-city" href="/?choose=1">Change city</a>' in html

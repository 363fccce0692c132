import pytest

from tests.factories import make_city

pytestmark = pytest.mark.django_db


def test_it_redirects_to_the_only_live_city(client):
    make_city(name="Rouen", slug="rouen")
    make_city(name="Le Havre", slug="le-havre", is_live=False)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/rouen/"


def test_it_lets_the_customer_choose_among_live_cities(client):
    make_city(name="Rouen", slug="rouen")
    make_city(name="Caen", slug="caen")
    make_city(name="Le Havre", slug="le-havre", is_live=False)
    response = client.get("/")
    assert response.status_code == 200
    assert [c.slug for c in response.context["cities"]] == ["caen", "rouen"]
    html = response.content.decode()
    assert '<a class="city-list__link" href="/caen/">Caen</a>' in html
    assert '<a class="city-list__link" href="/rouen/">Rouen</a>' in html
    assert "le-havre" not in html


def test_it_says_so_when_no_city_is_live_yet(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Comptoir opens in its first town very soon." in response.content.decode()

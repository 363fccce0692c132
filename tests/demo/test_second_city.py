"""`demo_city --city le-havre`: a second demo city beside Rouen, sharing nothing with it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from comptoir.demo.accounts import DEMO_LOGINS
from comptoir.demo.data import CITIES
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal
from comptoir.domain.shops.models import Membership, Shop

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo_city", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_cities(media):
    run("--shops", "16", "--products-per-shop", "3")
    output = run("--city", "le-havre", "--shops", "16", "--products-per-shop", "3")
    return City.objects.get(slug="rouen"), City.objects.get(slug="le-havre"), output


def test_it_builds_le_havre_beside_rouen(two_cities):
    rouen, havre, output = two_cities

    assert output.startswith("Le Havre: 16 shops, 48 products")
    assert (havre.name, havre.is_live, havre.time_zone) == ("Le Havre", True, "Europe/Paris")
    assert Shop.objects.filter(city=havre).count() == Shop.objects.filter(city=rouen).count() == 16
    assert not Product.objects.filter(city=havre).exclude(shop__city=havre).exists()
    assert Deal.objects.filter(city=havre).exists()


def test_le_havres_shops_stand_in_le_havre_on_its_streets(two_cities):
    _, havre, _ = two_cities
    south, west, north, east = CITIES["le-havre"].bounds
    streets = {street.name for street in CITIES["le-havre"].streets}

    for shop in Shop.objects.filter(city=havre):
        assert south <= shop.latitude <= north, shop
        assert west <= shop.longitude <= east, shop
        assert shop.street.split(" ", 1)[1] in streets
        assert shop.locality == "Le Havre"


def test_le_havres_shops_do_not_speak_of_rouen(two_cities):
    _, havre, _ = two_cities

    for tagline, description in Shop.objects.filter(city=havre).values_list(
        "tagline", "description"
    ):
        assert "Rouen" not in tagline
        assert "Rouen" not in description


def test_the_demo_logins_stay_in_rouen(two_cities):
    rouen, havre, _ = two_cities

    assert not Membership.objects.filter(shop__city=havre).exists()
    owner = User.objects.get(email=DEMO_LOGINS[1].email)
    assert {m.shop.city_id for m in Membership.objects.filter(user=owner)} == {rouen.pk}


def test_the_index_offers_both_demo_cities(two_cities):
    response = Client().get("/")

    assert [c.slug for c in response.context["cities"]] == ["le-havre", "rouen"]


def test_rouen_alone_is_left_as_it_was(media):
    run("--city", "le-havre", "--shops", "4", "--products-per-shop", "2")

    assert not City.objects.filter(slug="rouen").exists()
    assert not User.objects.filter(email__in=[login.email for login in DEMO_LOGINS]).exists()

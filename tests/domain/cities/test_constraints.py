"""The database refuses what a city must never hold, even past the services."""

from decimal import Decimal

import pytest

from comptoir.domain.cities.models import City
from tests.domain.violations import refused_by
from tests.factories import make_city

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("currency", ["eur", "EU", "E", ""])
def test_it_refuses_a_currency_that_is_not_three_capitals(currency):
    with refused_by("cities_city_currency_iso"):
        make_city(currency=currency)

    assert not City.objects.exists()


@pytest.mark.parametrize("country", ["fr", "Fr", "F", ""])
def test_it_refuses_a_country_that_is_not_two_capitals(country):
    with refused_by("cities_city_country_iso"):
        make_city(country=country)

    assert not City.objects.exists()


def test_it_accepts_iso_currency_and_country_codes():
    make_city(currency="CHF", country="CH")

    assert City.objects.get().currency == "CHF"


@pytest.mark.parametrize("latitude", [Decimal("90.000001"), Decimal("-90.000001")])
def test_it_refuses_a_latitude_out_of_range(latitude):
    with refused_by("cities_city_latitude_range"):
        make_city(latitude=latitude)

    assert not City.objects.exists()


@pytest.mark.parametrize("longitude", [Decimal("180.000001"), Decimal("-180.000001")])
def test_it_refuses_a_longitude_out_of_range(longitude):
    with refused_by("cities_city_longitude_range"):
        make_city(longitude=longitude)

    assert not City.objects.exists()


def test_it_accepts_coordinates_at_the_limits():
    make_city(latitude=Decimal("90"), longitude=Decimal("180"))
    make_city(latitude=Decimal("-90"), longitude=Decimal("-180"))

    assert City.objects.count() == 2


def test_it_refuses_two_cities_with_one_slug():
    make_city(slug="rouen")

    with refused_by("cities_city_slug_", sqlite="UNIQUE constraint failed: cities_city.slug"):
        make_city(slug="rouen")

    assert City.objects.count() == 1


@pytest.mark.parametrize("slug", ["operator", "static", "healthz"])
def test_it_refuses_a_city_slug_reserved_by_the_site(slug):
    with refused_by("cities_city_slug_not_reserved"):
        make_city(slug=slug)

    assert not City.objects.filter(slug=slug).exists()


def test_it_accepts_an_ordinary_city_slug():
    assert make_city(slug="le-havre").slug == "le-havre"

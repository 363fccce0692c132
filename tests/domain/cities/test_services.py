from decimal import Decimal
from typing import Any

import pytest

from comptoir.core.errors import InvalidInput
from comptoir.domain.cities.errors import CitySlugTaken
from comptoir.domain.cities.models import City
from comptoir.domain.cities.services import city_create
from tests.factories import make_city

pytestmark = pytest.mark.django_db

ROUEN: dict[str, Any] = {"latitude": Decimal("49.443232"), "longitude": Decimal("1.099971")}


def test_it_creates_a_city_not_yet_live_with_french_defaults():
    city = city_create(name=" Rouen ", slug="rouen", **ROUEN)

    city.refresh_from_db()
    assert (city.name, city.slug, city.is_live) == ("Rouen", "rouen", False)
    assert (city.time_zone, city.currency, city.country) == ("Europe/Paris", "EUR", "FR")
    assert (city.latitude, city.longitude) == (ROUEN["latitude"], ROUEN["longitude"])


def test_it_upper_cases_currency_and_country_codes():
    city = city_create(
        name="Bruxelles",
        slug="bruxelles",
        latitude=Decimal("50.846557"),
        longitude=Decimal("4.351697"),
        time_zone="Europe/Brussels",
        currency="eur",
        country="be",
    )

    assert (city.currency, city.country, city.time_zone) == ("EUR", "BE", "Europe/Brussels")


def test_it_refuses_a_slug_already_used():
    make_city(name="Rouen", slug="rouen")

    with pytest.raises(CitySlugTaken) as caught:
        city_create(name="Rouen bis", slug="rouen", **ROUEN)

    assert caught.value.code == "city_slug_taken"
    assert caught.value.params == {"slug": "rouen"}
    assert list(City.objects.values_list("name", flat=True)) == ["Rouen"]


def test_it_refuses_an_unknown_time_zone():
    with pytest.raises(InvalidInput) as caught:
        city_create(name="Rouen", slug="rouen", time_zone="Europe/Rouen", **ROUEN)

    assert caught.value.field == "time_zone"
    assert not City.objects.exists()


def test_it_refuses_coordinates_out_of_range():
    with pytest.raises(InvalidInput) as caught:
        city_create(name="Rouen", slug="rouen", latitude=Decimal("90.5"), longitude=Decimal("1"))

    assert list(caught.value.errors) == ["__all__"]
    assert not City.objects.exists()


def test_it_refuses_a_currency_that_is_not_an_iso_code():
    with pytest.raises(InvalidInput) as caught:
        city_create(name="Rouen", slug="rouen", currency="EU", **ROUEN)

    assert list(caught.value.errors) == ["__all__"]
    assert not City.objects.exists()

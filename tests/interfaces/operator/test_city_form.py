"""The operator creates a city in the admin: every setting, and clear refusals."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.domain.cities.models import City

ADD = reverse("admin:cities_city_add")
VALID = {
    "name": "Le Havre",
    "slug": "le-havre",
    "time_zone": "Europe/Paris",
    "currency": "EUR",
    "country": "FR",
    "latitude": "49.494400",
    "longitude": "0.107900",
    "is_live": "on",
    "shops_go_live_automatically": "on",
}


def test_the_form_offers_every_setting_of_a_city(operator_client):
    form = operator_client.get(ADD).context["adminform"].form

    assert {
        "name",
        "slug",
        "time_zone",
        "currency",
        "country",
        "latitude",
        "longitude",
        "is_live",
        "shops_go_live_automatically",
    } <= set(form.fields)


def test_the_operator_creates_a_live_city_whose_shops_go_live_by_themselves(operator_client):
    response = operator_client.post(ADD, VALID)

    assert response.status_code == 302
    city = City.objects.get(slug="le-havre")
    assert (city.name, city.is_live, city.shops_go_live_automatically) == ("Le Havre", True, True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "legal"),
        ("slug", "api"),
        ("time_zone", "Europe/Havre"),
        ("currency", "EURO"),
        ("currency", "E1"),
        ("country", "fra"),
        ("latitude", "91"),
        ("longitude", "-181"),
        ("name", ""),
    ],
)
def test_it_refuses_a_bad_setting_with_a_message_on_the_form(operator_client, field, value):
    response = operator_client.post(ADD, VALID | {field: value}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors, (field, value)
    assert not City.objects.exists()


def test_it_refuses_a_slug_another_city_has(operator_client):
    operator_client.post(ADD, VALID)

    response = operator_client.post(ADD, VALID | {"name": "Le Havre 2"})

    assert "slug" in response.context["adminform"].form.errors
    assert City.objects.count() == 1


def test_it_takes_codes_typed_in_lower_case(operator_client):
    operator_client.post(ADD, VALID | {"currency": "eur", "country": "fr"})

    assert City.objects.values_list("currency", "country").get() == ("EUR", "FR")


def test_it_says_what_a_currency_code_looks_like(operator_client):
    response = operator_client.post(ADD, VALID | {"currency": "E1"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["adminform"].form.errors["currency"] == [
        "Enter the three-letter ISO code, e.g. EUR."
    ]

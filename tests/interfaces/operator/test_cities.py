"""Cities in the back office."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_city, make_shop
from tests.interfaces.operator.changelist import listed

CHANGELIST = reverse("admin:cities_city_changelist")


def test_it_counts_the_shops_of_each_city(operator_client):
    rouen = make_city(name="Rouen", slug="rouen")
    make_city(name="Caen", slug="caen")
    make_shop(rouen)
    make_shop(rouen)

    cities = listed(operator_client.get(CHANGELIST))

    assert [(c.name, c.shop_count) for c in cities] == [("Caen", 0), ("Rouen", 2)]


def test_it_counts_shops_without_a_query_per_city(operator_client):
    for n in range(3):
        make_shop(make_city(slug=f"a-{n}"))
    with CaptureQueriesContext(connection) as few:
        operator_client.get(CHANGELIST)
    for n in range(12):
        make_shop(make_city(slug=f"b-{n}"))

    with CaptureQueriesContext(connection) as many:
        response = operator_client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == 15
    assert len(many) == len(few)


def test_it_finds_a_city_by_name(operator_client):
    rouen = make_city(name="Rouen", slug="rouen")
    make_city(name="Caen", slug="caen")

    assert listed(operator_client.get(CHANGELIST, {"q": "rou"})) == [rouen]


def test_it_filters_live_cities(operator_client):
    rouen = make_city(name="Rouen", slug="rouen", is_live=True)
    caen = make_city(name="Caen", slug="caen", is_live=False)

    assert listed(operator_client.get(CHANGELIST, {"is_live__exact": "1"})) == [rouen]
    assert listed(operator_client.get(CHANGELIST, {"is_live__exact": "0"})) == [caen]


def test_it_fills_the_slug_from_the_name(operator_client):
    response = operator_client.get(reverse("admin:cities_city_add"))

    assert response.context["adminform"].prepopulated_fields[0]["field"].name == "slug"
    assert [
        f.name for f in response.context["adminform"].prepopulated_fields[0]["dependencies"]
    ] == ["name"]

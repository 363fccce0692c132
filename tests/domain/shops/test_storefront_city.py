"""city_for_storefront keeps each live city a few seconds per process, and forgets it on change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.core import recent
from comptoir.domain.cities.models import City
from comptoir.domain.shops import selectors
from comptoir.domain.shops.selectors import city_for_storefront
from tests.factories import make_city

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.STOREFRONT_CITY_SECONDS = 5
    selectors._live_city_rows.clear()
    yield
    selectors._live_city_rows.clear()


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(recent.time, "monotonic", lambda: now[0])
    return now


def reads(call: Callable[[], Any]) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, len(queries)


def test_a_city_is_read_once_then_kept_for_the_delay(clock):
    city = make_city(name="Rouen", slug="rouen")

    first, queries = reads(lambda: city_for_storefront("rouen"))
    assert (first.pk, first.name, queries) == (city.pk, "Rouen", 1)
    again, queries = reads(lambda: city_for_storefront("rouen"))
    assert (again.pk, again.name, again.zone, queries) == (city.pk, "Rouen", first.zone, 0)
    # Each caller gets its own instance: one request's changes do not leak into the next.
    assert again is not first
    again.name = "Changed in memory"
    assert city_for_storefront("rouen").name == "Rouen"

    clock[0] += 5.1
    _, queries = reads(lambda: city_for_storefront("rouen"))
    assert queries == 1


def test_a_change_made_in_this_process_shows_once_it_commits(
    clock, django_capture_on_commit_callbacks
):
    city = make_city(name="Rouen", slug="rouen")
    city_for_storefront("rouen")

    with django_capture_on_commit_callbacks(execute=True):
        city.name = "Rouen Métropole"
        city.save()
    assert city_for_storefront("rouen").name == "Rouen Métropole"

    with django_capture_on_commit_callbacks(execute=True):
        city.is_live = False
        city.save()
    with pytest.raises(City.DoesNotExist):
        city_for_storefront("rouen")


def test_a_change_made_by_another_process_shows_after_the_delay_at_most(clock):
    make_city(name="Rouen", slug="rouen")
    city_for_storefront("rouen")
    City.objects.filter(slug="rouen").update(name="Rouen Métropole")  # no signal here

    assert city_for_storefront("rouen").name == "Rouen"
    clock[0] += 5.1
    assert city_for_storefront("rouen").name == "Rouen Métropole"


def test_unknown_and_hidden_cities_are_not_kept(clock):
    make_city(name="Le Havre", slug="le-havre", is_live=False)

    for _ in range(2):
        with pytest.raises(City.DoesNotExist):
            city_for_storefront("le-havre")
        with pytest.raises(City.DoesNotExist):
            city_for_storefront("atlantis")
    assert selectors._live_city_rows.entries == {}


def test_zero_seconds_reads_each_time(settings):
    settings.STOREFRONT_CITY_SECONDS = 0
    make_city(slug="rouen")

    for _ in range(2):
        _, queries = reads(lambda: city_for_storefront("rouen"))
        assert queries == 1

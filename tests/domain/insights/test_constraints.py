"""The city partner table's own rules, held by the database."""

from __future__ import annotations

import pytest

from comptoir.domain.insights.models import CityPartner
from tests.domain.violations import refused_by
from tests.factories import make_city, make_user

pytestmark = pytest.mark.django_db


def test_it_refuses_the_same_person_twice_as_partner_of_one_city(city):
    user = make_user()
    CityPartner.objects.create(user=user, city=city, organisation="Métropole Rouen Normandie")

    with refused_by("insights_citypartner_unique", sqlite="insights_citypartner.user_id"):
        CityPartner.objects.create(user=user, city=city, organisation="CCI Rouen Métropole")


def test_it_accepts_one_person_as_partner_of_two_cities(city):
    user = make_user()
    CityPartner.objects.create(user=user, city=city, organisation="Région Normandie")
    CityPartner.objects.create(user=user, city=make_city(), organisation="Région Normandie")

    assert CityPartner.objects.filter(user=user).count() == 2


def test_it_refuses_a_partner_without_organisation(city):
    with refused_by("insights_citypartner_organisation_not_empty"):
        CityPartner.objects.create(user=make_user(), city=city, organisation="")


def test_it_accepts_a_one_letter_organisation(city):
    assert CityPartner.objects.create(user=make_user(), city=city, organisation="M").pk

"""The database refuses what accounts must never hold, even past the services."""

from decimal import Decimal

import pytest

from comptoir.domain.accounts.models import Address, User
from tests.domain.violations import refused_by
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_address(user, **fields):
    defaults = {"recipient": "Camille", "line1": "1 rue Jeanne-d'Arc", "postal_code": "76000"}
    return Address.objects.create(user=user, locality="Rouen", **(defaults | fields))


def test_it_refuses_an_email_with_capitals():
    with refused_by("accounts_user_email_lowercase"):
        User.objects.create(email="Anne@example.fr")

    assert not User.objects.exists()


def test_it_refuses_to_update_an_email_to_capitals():
    user = make_user(email="anne@example.fr")

    with refused_by("accounts_user_email_lowercase"):
        User.objects.filter(pk=user.pk).update(email="ANNE@example.fr")

    assert User.objects.get(pk=user.pk).email == "anne@example.fr"


def test_it_accepts_a_lower_case_email_with_digits_and_symbols():
    User.objects.create(email="anne.o'brien+1@example.fr")

    assert User.objects.get().email == "anne.o'brien+1@example.fr"


def test_it_refuses_two_users_with_one_email():
    make_user(email="anne@example.fr")

    with refused_by("accounts_user_email_", sqlite="UNIQUE constraint failed: accounts_user.email"):
        User.objects.create(email="anne@example.fr")

    assert User.objects.count() == 1


def test_it_refuses_two_default_addresses_for_one_user():
    user = make_user()
    make_address(user, is_default=True)

    with refused_by(
        "accounts_address_one_default_per_user",
        sqlite="UNIQUE constraint failed: accounts_address.user_id",
    ):
        make_address(user, is_default=True)

    assert Address.objects.filter(user=user).count() == 1


def test_it_accepts_one_default_among_many_addresses_and_one_per_user():
    anne, paul = make_user(), make_user()
    make_address(anne, is_default=True)
    make_address(anne)
    make_address(anne)
    make_address(paul, is_default=True)

    assert Address.objects.filter(is_default=True).count() == 2
    assert Address.objects.count() == 4


@pytest.mark.parametrize("latitude", [Decimal("90.000001"), Decimal("-90.000001")])
def test_it_refuses_an_address_latitude_out_of_range(latitude):
    with refused_by("accounts_address_latitude_range"):
        make_address(make_user(), latitude=latitude, longitude=Decimal("1"))

    assert not Address.objects.exists()


@pytest.mark.parametrize("longitude", [Decimal("180.000001"), Decimal("-180.000001")])
def test_it_refuses_an_address_longitude_out_of_range(longitude):
    with refused_by("accounts_address_longitude_range"):
        make_address(make_user(), latitude=Decimal("49"), longitude=longitude)

    assert not Address.objects.exists()


def test_it_accepts_address_coordinates_at_the_limits_or_unknown():
    user = make_user()
    make_address(user, latitude=Decimal("90"), longitude=Decimal("180"))
    make_address(user, latitude=Decimal("-90"), longitude=Decimal("-180"))
    make_address(user, latitude=None, longitude=None)

    assert Address.objects.filter(user=user).count() == 3


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(Decimal("49.44"), None), (None, Decimal("1.09"))]
)
def test_it_refuses_an_address_with_half_its_coordinates(latitude, longitude):
    user = make_user()

    with refused_by("accounts_address_coordinates_pair"):
        make_address(user, latitude=latitude, longitude=longitude)

    assert not Address.objects.filter(user=user).exists()

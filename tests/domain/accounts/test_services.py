from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.core.errors import InvalidInput
from comptoir.domain.accounts.errors import EmailAlreadyUsed, WeakPassword
from comptoir.domain.accounts.models import Address, User
from comptoir.domain.accounts.services import (
    address_add,
    address_delete,
    address_set_default,
    user_register,
    user_update_profile,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "tarte-tatin-aux-pommes"


def add_address(user, **fields):
    defaults = {
        "recipient": "Camille Martin",
        "line1": "12 rue Eau-de-Robec",
        "postal_code": "76000",
        "locality": "Rouen",
    }
    return address_add(user=user, **(defaults | fields))


def test_it_registers_a_user_with_a_lower_cased_email():
    user = user_register(
        email="  Anne.Dupont@Example.FR ",
        password=PASSWORD,
        first_name="Anne",
        last_name="Dupont",
        phone="02 35 12 34 56",
        language="en",
    )

    user.refresh_from_db()
    assert user.email == "anne.dupont@example.fr"
    assert (user.first_name, user.last_name, user.language) == ("Anne", "Dupont", "en")
    assert user.phone == "+33235123456"
    assert user.check_password(PASSWORD)
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)


def test_it_refuses_an_email_already_used_in_another_case():
    make_user(email="anne@example.fr", first_name="Anne")

    with pytest.raises(EmailAlreadyUsed) as caught:
        user_register(email="ANNE@example.fr", password=PASSWORD, first_name="Usurpatrice")

    assert caught.value.code == "email_already_used"
    assert caught.value.field == "email"
    assert list(User.objects.values_list("email", "first_name")) == [("anne@example.fr", "Anne")]


def test_it_refuses_a_weak_password_with_every_validator_message():
    with translation.override("en"), pytest.raises(WeakPassword) as caught:
        user_register(email="anne@example.fr", password="1234")

    assert caught.value.code == "weak_password"
    assert caught.value.reasons == [
        "This password is too short. It must contain at least 8 characters.",
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    with translation.override("en"):
        assert str(caught.value) == "This password is too weak: " + " ".join(caught.value.reasons)
    assert not User.objects.exists()


def test_it_refuses_a_password_too_similar_to_the_email():
    with translation.override("en"), pytest.raises(WeakPassword) as caught:
        user_register(email="bernadette.lefebvre@example.fr", password="bernadette.lefebvre")

    assert caught.value.reasons == ["The password is too similar to the e-mail address."]
    assert not User.objects.exists()


def test_it_refuses_a_malformed_email():
    with pytest.raises(InvalidInput) as caught:
        user_register(email="pas-une-adresse", password=PASSWORD)

    assert caught.value.field == "email"
    assert not User.objects.exists()


def test_it_refuses_an_invalid_phone():
    with pytest.raises(InvalidInput) as caught:
        user_register(email="anne@example.fr", password=PASSWORD, phone="12")

    assert caught.value.field == "phone"
    assert not User.objects.exists()


def test_it_makes_the_first_address_the_default():
    user = make_user()

    address = add_address(user, label="Maison", line2="2e étage", instructions="Code 1234")

    address.refresh_from_db()
    assert address.user == user
    assert address.is_default is True
    assert (address.label, address.line2, address.instructions) == (
        "Maison",
        "2e étage",
        "Code 1234",
    )


def test_it_keeps_the_default_when_adding_another_address():
    user = make_user()
    first = add_address(user)

    second = add_address(user, line1="1 place du Vieux-Marché")

    assert list(Address.objects.filter(user=user).values_list("pk", "is_default")) == [
        (first.pk, True),
        (second.pk, False),
    ]


def test_it_moves_the_default_to_a_new_address_on_request():
    user = make_user()
    first = add_address(user)

    second = add_address(user, line1="1 place du Vieux-Marché", make_default=True)

    assert list(
        Address.objects.filter(user=user).order_by("pk").values_list("pk", "is_default")
    ) == [
        (first.pk, False),
        (second.pk, True),
    ]


def test_it_stores_coordinates_of_an_address():
    address = add_address(make_user(), latitude=Decimal("49.443232"), longitude=Decimal("1.099971"))

    address.refresh_from_db()
    assert (address.latitude, address.longitude) == (Decimal("49.443232"), Decimal("1.099971"))


def test_it_refuses_an_incomplete_address_and_keeps_the_default():
    user = make_user()
    first = add_address(user)

    with pytest.raises(InvalidInput) as caught:
        add_address(user, line1="", make_default=True)

    assert caught.value.field == "line1"
    assert list(Address.objects.filter(user=user).values_list("pk", "is_default")) == [
        (first.pk, True)
    ]


def test_it_sets_another_address_as_default():
    user = make_user()
    first = add_address(user)
    second = add_address(user, line1="1 place du Vieux-Marché")

    returned = address_set_default(address=second)

    assert returned.is_default is True
    assert list(
        Address.objects.filter(user=user).order_by("pk").values_list("pk", "is_default")
    ) == [
        (first.pk, False),
        (second.pk, True),
    ]


def test_it_keeps_the_default_when_set_again():
    user = make_user()
    first = add_address(user)

    address_set_default(address=first)

    assert list(Address.objects.filter(user=user).values_list("pk", "is_default")) == [
        (first.pk, True)
    ]


def test_it_leaves_other_customers_defaults_alone():
    anne, paul = make_user(), make_user()
    annes = add_address(anne)
    pauls = add_address(paul)
    annes_other = add_address(anne, line1="1 place du Vieux-Marché")

    address_set_default(address=annes_other)

    assert Address.objects.get(pk=pauls.pk).is_default is True
    assert Address.objects.get(pk=annes.pk).is_default is False


def test_it_updates_a_profile_with_a_normalised_phone():
    user = make_user(email="anne@example.fr", first_name="Anne")

    user_update_profile(
        user=user,
        first_name=" Anne-Marie ",
        last_name="Dupont",
        phone="06 12 34 56 78",
        language="en",
    )

    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone, user.language) == (
        "Anne-Marie",
        "Dupont",
        "+33612345678",
        "en",
    )
    assert user.email == "anne@example.fr"


def test_it_refuses_a_profile_with_an_invalid_phone_and_changes_nothing():
    user = make_user(email="anne@example.fr", first_name="Anne")

    with translation.override("en"):
        with pytest.raises(InvalidInput) as caught:
            user_update_profile(
                user=user, first_name="Zoé", last_name="", phone="12", language="en"
            )
        assert caught.value.errors == {"phone": ["Enter a valid phone number."]}

    assert (user.first_name, user.phone, user.language) == ("Anne", "", "fr")
    assert User.objects.values_list("first_name", "phone", "language").get(pk=user.pk) == (
        "Anne",
        "",
        "fr",
    )


def test_it_deletes_an_address_and_the_newest_remaining_one_becomes_default():
    user = make_user()
    add_address(user, line1="1 rue Saint-Romain")
    add_address(user, line1="2 rue Saint-Romain")
    default = add_address(user, line1="3 rue Saint-Romain", make_default=True)
    other = add_address(make_user(), line1="4 rue Saint-Romain")

    address_delete(address=default)

    assert list(Address.objects.filter(user=user).values_list("line1", "is_default")) == [
        ("2 rue Saint-Romain", True),
        ("1 rue Saint-Romain", False),
    ]
    assert Address.objects.get(pk=other.pk).is_default is True


def test_it_deletes_a_non_default_address_and_keeps_the_default():
    user = make_user()
    default = add_address(user, line1="1 rue Saint-Romain")
    spare = add_address(user, line1="2 rue Saint-Romain")

    address_delete(address=spare)

    assert list(Address.objects.filter(user=user).values_list("pk", "is_default")) == [
        (default.pk, True)
    ]

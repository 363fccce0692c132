"""Sign up: through user_register, errors on their fields, logged in afterwards."""

import pytest

from comptoir.domain.accounts.models import User
from tests.interfaces.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_creates_the_account_logs_in_and_follows_next(en):
    response = en.post(
        "/account/signup/",
        {"first_name": "Zoé", "email": "Zoe@Example.fr", "password": PASSWORD, "next": "/rouen/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/rouen/"
    user = User.objects.get()
    assert (user.email, user.first_name, user.language) == ("zoe@example.fr", "Zoé", "en")
    assert user.check_password(PASSWORD)
    assert en.session["_auth_user_id"] == str(user.pk)


def test_it_keeps_french_for_someone_signing_up_in_french(client):
    client.post(
        "/account/signup/", {"first_name": "Zoé", "email": "zoe@example.fr", "password": PASSWORD}
    )

    assert User.objects.get().language == "fr"


def test_it_shows_an_email_already_used_on_the_email_field(en, anne):
    response = en.post(
        "/account/signup/", {"first_name": "Zoé", "email": "ANNE@example.fr", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["An account already exists with this e-mail address."]
    }
    assert list(User.objects.values_list("email", "first_name")) == [("anne@example.fr", "Anne")]
    assert "_auth_user_id" not in en.session


def test_it_shows_a_weak_password_on_the_password_field(en):
    response = en.post(
        "/account/signup/", {"first_name": "Zoé", "email": "zoe@example.fr", "password": "12345678"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": [
            "This password is too weak: This password is too common. "
            "This password is entirely numeric."
        ]
    }
    assert not User.objects.exists()


def test_it_shows_the_weak_password_in_french_by_default(client):
    response = client.post(
        "/account/signup/", {"first_name": "Zoé", "email": "zoe@example.fr", "password": "12345678"}
    )

    [message] = response.context["form"].errors["password"]
    assert "Ce mot de passe est entièrement numérique." in message
    assert not User.objects.exists()


def test_it_refuses_an_offsite_next_after_sign_up(en):
    response = en.post(
        "/account/signup/",
        {
            "first_name": "Zoé",
            "email": "zoe@example.fr",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == "/account/"

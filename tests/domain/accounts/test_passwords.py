"""Passwords: Argon2 in production, old PBKDF2 hashes upgraded at log-in, validators on."""

from typing import Any, cast

import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from comptoir.config import settings as production
from comptoir.domain.accounts.models import User
from comptoir.domain.accounts.services import user_register
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "tarte-tatin-aux-pommes"
ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def signup(client, password):
    return client.post(
        "/account/signup/", {"first_name": "Zoé", "email": "zoe@example.fr", "password": password}
    )


def test_production_settings_hash_with_argon2_first_and_still_read_pbkdf2():
    hashers = production.PASSWORD_HASHERS
    assert hashers[0] == ARGON2
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers


def test_production_settings_require_8_characters_and_the_usual_validators():
    configured = cast(list[dict[str, Any]], production.AUTH_PASSWORD_VALIDATORS)
    validators = {v["NAME"].rsplit(".", 1)[1]: v for v in configured}

    assert sorted(validators) == [
        "CommonPasswordValidator",
        "MinimumLengthValidator",
        "NumericPasswordValidator",
        "UserAttributeSimilarityValidator",
    ]
    assert validators["MinimumLengthValidator"]["OPTIONS"] == {"min_length": 8}


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_new_account_is_hashed_with_argon2id():
    user = user_register(email="zoe@example.fr", password=PASSWORD)

    assert user.password.startswith("argon2$argon2id$")
    assert User.objects.get().check_password(PASSWORD)


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_an_old_pbkdf2_hash_still_logs_in_and_is_upgraded_to_argon2(client):
    user = make_user(email="anne@example.fr")
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old_hash)

    response = client.post("/account/login/", {"email": "anne@example.fr", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    upgraded = User.objects.get(pk=user.pk).password
    assert upgraded.startswith("argon2$argon2id$")
    assert upgraded != old_hash


@override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS)
def test_a_wrong_password_leaves_the_old_hash_alone(client):
    user = make_user(email="anne@example.fr")
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=user.pk).update(password=old_hash)

    client.post("/account/login/", {"email": "anne@example.fr", "password": "pas-le-bon"})

    assert User.objects.get(pk=user.pk).password == old_hash


def test_signup_refuses_a_7_character_password_in_french(client):
    response = signup(client, "Tz9!kq2")

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": [
            "Ce mot de passe est trop faible\u00a0: Ce mot de passe est trop court. "
            "Il doit contenir au minimum 8 caractères."
        ]
    }
    assert not User.objects.exists()


def test_signup_accepts_an_8_character_password(client):
    response = signup(client, "Tz9!kq2w")

    assert response.status_code == 302
    assert User.objects.get().check_password("Tz9!kq2w")


def test_signup_refuses_a_common_password_in_french(client):
    response = signup(client, "azertyuiop")

    assert response.context["form"].errors == {
        "password": ["Ce mot de passe est trop faible\u00a0: Ce mot de passe est trop courant."]
    }
    assert not User.objects.exists()

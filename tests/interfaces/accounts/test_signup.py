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


def test_it_prefills_the_email_and_keeps_next_from_the_confirmation_link(en):
    response = en.get(
        "/account/signup/",
        {"email": "camille@example.fr", "next": "/rouen/checkout/done/abc123/"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<input type="email" name="email" value="camille@example.fr" autocomplete="email"' in html
    )
    assert '<input type="hidden" name="next" value="/rouen/checkout/done/abc123/">' in html
    assert response.context["form"].is_bound is False


def test_it_signs_up_with_the_prefilled_email_and_goes_back_to_the_confirmation(en):
    page = en.get("/account/signup/?email=camille%40example.fr&next=%2Frouen%2F")
    next_url = page.context["next"]
    email = page.context["form"]["email"].value()

    response = en.post(
        "/account/signup/",
        {"first_name": "Camille", "email": email, "password": PASSWORD, "next": next_url},
    )

    assert response["Location"] == "/rouen/"
    assert User.objects.get().email == "camille@example.fr"


def test_it_escapes_what_the_link_puts_in_the_email_field(en):
    html = en.get("/account/signup/", {"email": '"><script>x</script>'}).content.decode()

    assert "<script>x</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_it_shows_an_empty_email_without_a_link(en):
    response = en.get("/account/signup/")

    assert response.context["form"]["email"].value() == ""

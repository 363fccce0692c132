"""Log in with e-mail and password; log out (POST only)."""

import pytest
from django.conf import settings

from tests.interfaces.accounts.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "This e-mail address and password do not match. Check them and try again."


def errors_of(response):
    return response.context["form"].non_field_errors()


def test_it_shows_the_login_form_with_the_link_option(en):
    response = en.get("/account/login/?next=/rouen/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="next" value="/rouen/"' in html
    assert 'href="/account/login/link/?next=%2Frouen%2F"' in html
    assert 'autocomplete="current-password"' in html


def test_it_logs_in_whatever_the_case_of_the_email_and_follows_next(en, anne):
    response = en.post(
        "/account/login/", {"email": "Anne@Example.FR", "password": PASSWORD, "next": "/rouen/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/rouen/"
    assert en.session["_auth_user_id"] == str(anne.pk)


def test_it_goes_to_my_account_without_next(en, anne):
    response = en.post("/account/login/", {"email": "anne@example.fr", "password": PASSWORD})

    assert response["Location"] == "/account/"


def test_it_sets_the_language_of_the_user_on_log_in(en, anne):
    anne.language = "fr"
    anne.save()

    response = en.post("/account/login/", {"email": "anne@example.fr", "password": PASSWORD})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert en.get("/account/").content.decode().count('<html lang="fr">') == 1


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "http://testserver.evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
    ],
)
def test_it_refuses_to_redirect_off_site(en, anne, next_url):
    response = en.post(
        "/account/login/", {"email": "anne@example.fr", "password": PASSWORD, "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == "/account/"


def test_it_gives_one_message_for_a_wrong_password_and_an_unknown_email(en, anne):
    wrong_password = en.post("/account/login/", {"email": anne.email, "password": "pas-le-bon"})
    unknown_email = en.post("/account/login/", {"email": "x@example.fr", "password": PASSWORD})

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert errors_of(wrong_password) == errors_of(unknown_email) == [WRONG]
    assert "_auth_user_id" not in en.session


def test_it_refuses_an_inactive_account_with_the_same_message(en, anne):
    anne.is_active = False
    anne.save()

    response = en.post("/account/login/", {"email": anne.email, "password": PASSWORD})

    assert errors_of(response) == [WRONG]
    assert "_auth_user_id" not in en.session


def test_it_logs_out_on_post(client, anne):
    client.force_login(anne)

    response = client.post("/account/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_it_does_not_log_out_on_get(client, anne):
    client.force_login(anne)

    response = client.get("/account/logout/")

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(anne.pk)


def test_it_refuses_a_log_out_without_csrf_token(anne):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(anne)

    response = client.post("/account/logout/")

    assert response.status_code == 403
    assert client.session["_auth_user_id"] == str(anne.pk)


def test_logging_in_keeps_what_the_visitor_put_in_the_basket(en, anne, shop):
    from comptoir.domain.orders.models import Basket, BasketLine
    from comptoir.domain.orders.services import basket_add, basket_for
    from comptoir.interfaces.storefront.basket_session import VISITOR_TOKEN_SESSION_KEY
    from tests.factories import make_product

    croissant = make_product(shop)
    session = en.session
    session[VISITOR_TOKEN_SESSION_KEY] = "visitor-token"
    session.save()
    visitor_basket = basket_for(city=shop.city, session_key="visitor-token", create=True)
    basket_add(basket=visitor_basket, product=croissant, quantity=2)

    en.post("/account/login/", {"email": "anne@example.fr", "password": PASSWORD})

    basket = Basket.objects.get()
    assert (basket.user, basket.session_key) == (anne, "")
    assert list(BasketLine.objects.values_list("basket", "product", "quantity")) == [
        (basket.pk, croissant.pk, 2)
    ]

"""Tokens: log in (throttled, two-step), shop tokens, list, revoke, expiry; never a cookie."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from comptoir.domain.accounts.models import ApiToken, LoginThrottle
from comptoir.domain.accounts.throttle import RULES
from comptoir.domain.accounts.two_factor import (
    time_step,
    totp_code,
    two_factor_confirm,
    two_factor_start,
)
from comptoir.domain.orders.errors import SoldOut
from comptoir.domain.shops.models import Role
from comptoir.interfaces.api.main import api
from comptoir.interfaces.api.openapi_streams import STREAM_PATHS
from tests.factories import make_membership, make_product, make_user
from tests.interfaces.api.conftest import ApiClient, token_for
from tests.interfaces.api.support import assert_problem

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens"
PASSWORD = "un-mot-de-passe-solide"  # the factories' default
SECRET = re.compile(r"^cpt_[A-Za-z0-9_-]{43}$")


def log_in(client: ApiClient | None = None, **body):
    client = client or ApiClient()
    return client.post(TOKENS, {"email": "anne@example.fr", "password": PASSWORD} | body)


def live_tokens():
    return ApiToken.objects.filter(revoked_at__isnull=True).count()


# --- Log in -----------------------------------------------------------------------------


def test_logging_in_gives_a_customer_token_shown_once(customer):
    response = log_in(name="iPhone d'Anne")

    assert response.status_code == 201
    body = response.json()
    assert SECRET.match(body["token"])
    assert body["prefix"] == body["token"][:10]
    assert body["name"] == "iPhone d'Anne"
    assert body["shop_id"] is None
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == customer
    assert body["token"] not in str(ApiToken.objects.values().get(pk=token.pk))
    # It works, and lists never show the secret again.
    listed = ApiClient(token=body["token"]).get(TOKENS)
    assert listed.status_code == 200
    assert "token" not in listed.json()[0]
    assert body["token"] not in listed.content.decode()


def test_the_email_is_matched_without_case(customer):
    assert log_in(email="  ANNE@example.fr").status_code == 201


def test_a_wrong_password_is_refused_with_401(customer):
    response = log_in(password="pas-le-bon")

    assert_problem(response, 401, "invalid_credentials")
    assert response["WWW-Authenticate"] == 'Bearer realm="comptoir"'
    assert_problem(log_in(email="personne@example.fr"), 401, "invalid_credentials")
    assert ApiToken.objects.count() == 0


def test_an_inactive_account_cannot_log_in(customer):
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    assert_problem(log_in(), 401, "invalid_credentials")


def test_repeated_failures_are_throttled_with_retry_after(customer):
    limit = RULES[LoginThrottle.Scope.LOGIN_EMAIL].limit
    for _ in range(limit - 1):
        assert_problem(log_in(password="pas-le-bon"), 401, "invalid_credentials")

    throttled = log_in(password="pas-le-bon")
    # During the back-off even the right password is not checked.
    still = log_in()

    body = assert_problem(throttled, 429, "login_throttled")
    assert 1 <= int(throttled["Retry-After"]) <= 30
    assert body["retry_at"]
    assert_problem(still, 429, "login_throttled")
    assert 1 <= int(still["Retry-After"]) <= 30
    assert ApiToken.objects.count() == 0


def test_an_empty_or_malformed_log_in_is_an_invalid_input(customer):
    response = ApiClient().post(TOKENS, {"email": "anne@example.fr"})

    body = assert_problem(response, 422, "invalid_input")
    assert [e["field"] for e in body["errors"]] == ["password"]


# --- Two-step log-in ------------------------------------------------------------------------


@pytest.fixture
def two_step(shop):
    """Olga, owner of the shop, with two-step log-in on (confirmed five minutes ago)."""
    olga = make_user(email="anne@example.fr")
    make_membership(shop, olga, role=Role.OWNER)
    two_factor = two_factor_start(user=olga)
    earlier = timezone.now() - timedelta(minutes=5)
    recovery = two_factor_confirm(
        user=olga, code=totp_code(two_factor.secret, step=time_step(earlier)), now=earlier
    )
    two_factor.refresh_from_db()
    return two_factor.secret, recovery


def current_code(secret):
    return totp_code(secret, step=time_step(timezone.now()))


def test_a_two_step_account_needs_the_code(two_step):
    response = log_in()

    body = assert_problem(response, 422, "two_factor_code_required")
    assert body["errors"][0]["field"] == "otp"
    assert ApiToken.objects.count() == 0


def test_a_wrong_code_is_refused_and_the_right_one_works(two_step, shop):
    secret, _ = two_step
    right = current_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    assert_problem(log_in(otp=wrong), 422, "two_factor_code_invalid")
    assert ApiToken.objects.count() == 0

    response = log_in(otp=right, shop_id=shop.pk)

    assert response.status_code == 201
    assert response.json()["shop_id"] == shop.pk
    # A code works once.
    assert_problem(log_in(otp=right), 422, "two_factor_code_invalid")


def test_a_recovery_code_works_once(two_step):
    _, recovery = two_step

    assert log_in(otp=recovery[0]).status_code == 201
    assert_problem(log_in(otp=recovery[0]), 422, "two_factor_code_invalid")


# --- Shop tokens --------------------------------------------------------------------------


def test_a_shop_token_needs_a_membership(customer, shop):
    refused = log_in(shop_id=shop.pk)

    body = assert_problem(refused, 422, "not_a_member_of_shop")
    assert body["errors"][0]["field"] == "shop"
    assert ApiToken.objects.count() == 0

    make_membership(shop, customer, role=Role.STAFF)
    response = log_in(shop_id=shop.pk)

    assert response.status_code == 201
    assert response.json()["shop_id"] == shop.pk
    desk = ApiClient(token=response.json()["token"]).get("/api/v1/shop")
    assert desk.json()["role"] == "staff"


# --- Listing and revoking -------------------------------------------------------------------


def test_it_lists_my_live_tokens_only(customer, shop):
    make_membership(shop, customer)
    mine = ApiClient(token=token_for(customer))
    shop_secret = token_for(customer, shop)
    token_for(make_user())
    ApiToken.objects.create(
        user=customer,
        name="old",
        prefix="cpt_old",
        token_hash="0" * 64,
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
        revoked_at=timezone.now(),
    )

    response = mine.get(TOKENS)

    assert response.status_code == 200
    listed = response.json()
    assert [t["shop_id"] for t in listed] == [shop.pk, None]
    assert listed[0]["prefix"] == shop_secret[:10]
    assert set(listed[0]) == {
        "id",
        "name",
        "prefix",
        "shop_id",
        "created_at",
        "expires_at",
        "last_used_at",
    }


def test_revoking_a_token_stops_it_at_once(customer):
    phone, laptop = ApiClient(token=token_for(customer)), ApiClient(token=token_for(customer))
    laptop_id = ApiToken.objects.latest("pk").pk
    assert laptop.get(TOKENS).status_code == 200

    response = phone.delete(f"{TOKENS}/{laptop_id}")

    assert response.status_code == 204
    assert_problem(laptop.get(TOKENS), 401, "not_authenticated")
    assert_problem(laptop.get("/api/v1/orders"), 401, "not_authenticated")
    assert phone.get(TOKENS).status_code == 200


def test_logging_out_revokes_the_current_token(customer_api):
    response = customer_api.delete(f"{TOKENS}/current")

    assert response.status_code == 204
    assert live_tokens() == 0
    assert_problem(customer_api.get(TOKENS), 401, "not_authenticated")


def test_another_users_token_cannot_be_revoked(customer_api):
    theirs = ApiClient(token=token_for(make_user()))
    their_id = ApiToken.objects.latest("pk").pk

    response = customer_api.delete(f"{TOKENS}/{their_id}")

    assert_problem(response, 404, "api_token_not_found")
    assert theirs.get(TOKENS).status_code == 200
    assert live_tokens() == 2


def test_an_expired_token_is_refused(customer_api):
    ApiToken.objects.update(
        created_at=timezone.now() - timedelta(days=91),
        expires_at=timezone.now() - timedelta(seconds=1),
    )

    assert_problem(customer_api.get("/api/v1/orders"), 401, "not_authenticated")
    assert_problem(customer_api.get(TOKENS), 401, "not_authenticated")


@pytest.mark.parametrize("secret", ["", "cpt_", "cpt_" + "x" * 43, "nope", "cpt_" + "x" * 300])
def test_an_unknown_token_is_refused(customer_api, secret):
    assert_problem(ApiClient(token=secret).get("/api/v1/orders"), 401, "not_authenticated")


def test_a_deactivated_users_token_is_refused(customer, customer_api):
    customer.is_active = False
    customer.save(update_fields=["is_active"])

    assert_problem(customer_api.get("/api/v1/orders"), 401, "not_authenticated")


# --- Never a cookie, never CSRF ---------------------------------------------------------------


def authenticated_operations():
    """Every operation of the API that needs a token, from its own OpenAPI document.

    The live streams are served by the ASGI app, out of the test client's reach:
    their cookie refusal is tested in test_live_streams.py.
    """
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    for path, operations in schema["paths"].items():
        if path in STREAM_PATHS:
            continue
        for method, operation in operations.items():
            if operation.get("security"):
                yield method, path


def concrete(path):
    return re.sub(
        r"\{(\w+)\}",
        lambda m: {"city": "rouen", "shop": "boulangerie", "number": "T001-AAAA"}.get(
            m.group(1), "1"
        ),
        path,
    )


def test_the_api_has_authenticated_operations_on_every_side():
    paths = {path for _, path in authenticated_operations()}

    assert {"/api/v1/auth/tokens", "/api/v1/orders", "/api/v1/shop/orders"} <= paths


def test_a_session_cookie_is_never_accepted(customer, shop, city):
    make_membership(shop, customer, role=Role.OWNER)
    browser = Client(headers={"accept-language": "en"})
    browser.force_login(customer)
    assert browser.get("/account/").status_code == 200  # the cookie works on the site

    checked = 0
    for method, path in authenticated_operations():
        if method in ("get", "delete"):
            response = getattr(browser, method)(concrete(path))
        else:
            response = getattr(browser, method)(
                concrete(path), "{}", content_type="application/json"
            )
        assert_problem(response, 401, "not_authenticated")
        checked += 1

    assert checked >= 25
    assert live_tokens() == 0


def test_a_bearer_post_needs_no_csrf_token(customer, city, shop, customer_api):
    product = make_product(shop)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(customer)  # a session cookie too: still no CSRF check
    headers = customer_api.headers()

    added = strict.post(
        "/api/v1/cities/rouen/basket/lines",
        {"product_id": product.pk},
        content_type="application/json",
        headers=headers,
    )
    logged_out = strict.delete(f"{TOKENS}/current", headers=headers)

    assert added.status_code == 200, added.content
    assert logged_out.status_code == 204


def test_a_cookie_post_without_csrf_is_refused_as_unauthenticated(customer, shop):
    strict = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    strict.force_login(customer)
    product = make_product(shop)

    response = strict.post(
        "/api/v1/cities/rouen/basket/lines",
        {"product_id": product.pk},
        content_type="application/json",
    )

    assert_problem(response, 401, "not_authenticated")


# --- Languages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_detail_is_in_the_language_asked_for(customer, shop, language):
    product = make_product(shop, name="Baguette", stock=0)
    client = ApiClient(token=token_for(customer), language=language)

    response = client.post("/api/v1/cities/rouen/basket/lines", {"product_id": product.pk})

    body = assert_problem(response, 409, "sold_out")
    with translation.override(language):
        assert body["detail"] == str(SoldOut(product="Baguette"))
    expected = {
        "fr": "Baguette est épuisé pour le moment.",
        "en": "Baguette is sold out for now.",
    }
    assert body["detail"] == expected[language]


def test_french_is_the_default_language(customer, shop):
    product = make_product(shop, name="Baguette", stock=0)
    client = Client()

    response = client.post(
        "/api/v1/cities/rouen/basket/lines",
        {"product_id": product.pk},
        content_type="application/json",
        headers={"authorization": f"Bearer {token_for(customer)}"},
    )

    assert (
        assert_problem(response, 409, "sold_out")["detail"] == "Baguette est épuisé pour le moment."
    )

"""What schemathesis found, kept fixed: odd input gets a documented problem+json, never a 500.

Each case here was a 500 or an HTML page on the real server before its fix
(tests/reliability/test_api_schemathesis.py runs the whole attack).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from comptoir.domain.accounts.errors import TwoFactorCodeInvalid
from comptoir.domain.accounts.two_factor import (
    time_step,
    totp_code,
    two_factor_confirm,
    two_factor_start,
    two_factor_verify,
)
from comptoir.domain.orders.models import Order, OrderState
from tests.domain.orders.support import COLLECT_AT, collect_shop
from tests.factories import make_order, make_product, make_user
from tests.interfaces.api.conftest import ApiClient, token_for
from tests.interfaces.api.support import clock

__all__ = ["clock"]  # the fixture, imported for this module's tests

pytestmark = pytest.mark.django_db


def assert_problem(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


def test_an_id_of_the_wrong_type_is_a_404_problem_not_a_csrf_page(customer, city):
    # The URL names no route (the id is not a number): Django's own 404 page, or its
    # CSRF refusal for a POST without a cookie, would be HTML.
    client = Client(enforce_csrf_checks=True)
    response = client.put(
        f"/api/v1/cities/{city.slug}/basket/lines/null,null",
        "{}",
        content_type="application/json",
        headers={"authorization": f"Bearer {token_for(customer)}", "accept-language": "en"},
    )
    assert_problem(response, 404, "not_found")


def test_a_body_that_is_not_json_is_a_400_problem(customer_api, city):
    response = customer_api.client.post(
        f"/api/v1/cities/{city.slug}/basket/lines",
        "{not json",
        content_type="application/json",
        headers=customer_api.headers(),
    )
    assert_problem(response, 400, "malformed_request")
    assert response.json()["detail"] == "The request body is not valid JSON."


def test_an_empty_email_is_refused_as_input(anonymous):
    response = anonymous.post("/api/v1/auth/tokens", {"email": "", "password": "x"})
    assert_problem(response, 422, "invalid_input")
    assert response.json()["errors"][0]["field"] == "email"


def test_a_blank_email_is_wrong_credentials_not_a_crash(anonymous):
    response = anonymous.post("/api/v1/auth/tokens", {"email": "   ", "password": "x"})
    assert_problem(response, 401, "invalid_credentials")


def test_a_pickup_code_with_accents_is_wrong_not_a_crash(shop, staff_api):
    order = make_order(shop, state=OrderState.READY)
    response = staff_api.post(
        f"/api/v1/shop/orders/{order.number}/hand-over", {"pickup_code": "þ8á$Z"}
    )
    assert_problem(response, 422, "wrong_pickup_code")
    assert Order.objects.get(pk=order.pk).state == OrderState.READY


def test_a_one_time_code_of_non_ascii_digits_is_invalid_not_a_crash():
    now = datetime(2026, 6, 9, 8, 0, 10, tzinfo=UTC)
    user = make_user(is_staff=True)
    two_factor = two_factor_start(user=user)
    two_factor_confirm(user=user, code=totp_code(two_factor.secret, step=time_step(now)), now=now)
    # "١٢٣٤٥٦": Arabic-Indic digits pass str.isdigit().
    with pytest.raises(TwoFactorCodeInvalid):
        two_factor_verify(user=user, code="\u0661\u0662\u0663\u0664\u0665\u0666", now=now)


def test_field_errors_are_sentences_in_the_request_language(anonymous):
    english = anonymous.post("/api/v1/auth/tokens", {"password": "x", "name": "n" * 101})
    assert_problem(english, 422, "invalid_input")
    assert english.json()["errors"] == [
        {"field": "email", "message": "This field is required."},
        {"field": "name", "message": "Enter at most 100 characters."},
    ]
    anonymous.language = "fr"
    french = anonymous.post("/api/v1/auth/tokens", {"password": "x"})
    # Django's own catalogue already says this one in French.
    assert french.json()["errors"] == [{"field": "email", "message": "Ce champ est obligatoire."}]


def test_a_long_account_name_is_cut_to_the_contact_name_not_a_crash(city, clock):
    # A profile may hold 150 + 150 characters of names; an order's contact name 150.
    long_name = make_user(first_name="A" * 150, last_name="B" * 150, phone="0612345678")
    api = ApiClient(token=token_for(long_name))
    bakery = collect_shop(city)
    baguette = make_product(bakery, stock=5)
    added = api.post(f"/api/v1/cities/{city.slug}/basket/lines", {"product_id": baguette.pk})
    assert added.status_code == 200, added.content
    response = api.post(
        f"/api/v1/cities/{city.slug}/checkout",
        {
            "choices": [
                {"shop_id": bakery.pk, "kind": "collect", "slot_starts_at": COLLECT_AT.isoformat()}
            ]
        },
        **{"Idempotency-Key": "long-name"},
    )
    assert response.status_code == 201, response.content
    assert Order.objects.get().contact_name == "A" * 150


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/tokens", {"email": "a\x00@example.fr", "password": "x"}),
        ("/api/v1/auth/tokens", {"email": "a@example.fr", "password": "x", "name": "\x00"}),
        (
            "/api/v1/signup",
            {"email": "new@example.fr", "password": "long-enough-1", "first_name": "A\x00"},
        ),
    ],
)
def test_a_nul_character_in_any_text_is_refused_as_input_not_a_crash(anonymous, path, body):
    # PostgreSQL cannot store NUL: without the check these were 500s there.
    answer = anonymous.post(path, body)

    assert_problem(answer, 422, "invalid_input")
    assert answer.json()["errors"][0]["message"] == (
        "Null characters and invalid characters are not allowed."
    )


def test_a_nul_character_deep_in_a_delivery_address_is_refused(customer_api, city):
    body = {
        "choices": [
            {
                "shop_id": 1,
                "kind": "delivery",
                "slot_starts_at": "2026-12-01T10:00:00+01:00",
                "address": {"line1": "1 rue\x00", "postal_code": "76000", "locality": "Rouen"},
            }
        ]
    }

    answer = customer_api.post("/api/v1/cities/rouen/checkout", body, **{"Idempotency-Key": "k"})

    assert_problem(answer, 422, "invalid_input")
    assert answer.json()["errors"][0]["field"] == "choices.0.address.line1"


def test_a_lone_surrogate_in_text_is_refused_as_input_not_a_crash(anonymous):
    # JSON may carry "\\ud800": no database driver can encode it.
    answer = anonymous.client.post(
        "/api/v1/auth/tokens",
        '{"email": "a@example.fr", "password": "x", "name": "\\ud800"}',
        content_type="application/json",
    )

    assert_problem(answer, 422, "invalid_input")


def test_a_deal_naming_impossible_or_foreign_products_is_refused(shop, owner_api, city):
    from tests.factories import make_shop as another_shop

    body = {
        "title": "Promo",
        "kind": "percent_off",
        "percent": 10,
        "starts_at": "2026-12-01T00:00:00+01:00",
        "ends_at": "2026-12-08T00:00:00+01:00",
    }
    foreign = make_product(another_shop(city))

    # Huge ids were a 500 (an integer overflow in the database query).
    assert_problem(
        owner_api.post("/api/v1/shop/deals", body | {"product_ids": [10**31]}), 422, "invalid_input"
    )
    problem = owner_api.post("/api/v1/shop/deals", body | {"product_ids": [foreign.pk]})
    assert_problem(problem, 422, "invalid_deal")
    assert problem.json()["errors"][0]["field"] == "product_ids"
    assert_problem(
        owner_api.post("/api/v1/shop/deals", body | {"weekdays": [7]}), 422, "invalid_input"
    )

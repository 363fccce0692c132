"""The account endpoints: sign-up, profile, addresses, data export and deletion."""

from __future__ import annotations

import pytest

from comptoir.domain.accounts.models import Address, ApiToken, User
from comptoir.domain.orders.models import Order
from tests.factories import make_user
from tests.interfaces.api.conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    return response.json()


ADDRESS = {
    "recipient": "Anne Martin",
    "line1": "12 rue Beauvoisine",
    "postal_code": "76000",
    "locality": "Rouen",
    "latitude": "49.444000",
    "longitude": "1.095000",
}


def test_sign_up_gives_a_customer_token_that_works(anonymous):
    answer = anonymous.post(
        "/api/v1/signup",
        {"email": "New@Example.fr", "password": "un-pain-au-levain", "first_name": "Léa"},
    )

    assert answer.status_code == 201
    me = ApiClient(token=answer.json()["token"]).get("/api/v1/me")
    assert me.json() | {} == {
        "email": "new@example.fr",
        "first_name": "Léa",
        "last_name": "",
        "phone": "",
        "language": "fr",
    }


def test_sign_up_refuses_a_taken_address_and_a_weak_password(anonymous):
    make_user(email="anne@example.fr")

    assert_problem(
        anonymous.post("/api/v1/signup", {"email": "anne@example.fr", "password": "x" * 12}),
        409,
        "email_already_used",
    )
    problem = assert_problem(
        anonymous.post("/api/v1/signup", {"email": "new@example.fr", "password": "123"}),
        422,
        "weak_password",
    )
    assert problem["errors"][0]["field"] == "password"
    assert not User.objects.filter(email="new@example.fr").exists()


def test_profile_update_and_its_validation(customer_api, customer):
    answer = customer_api.put(
        "/api/v1/me",
        {"first_name": "Anne", "last_name": "Martin", "phone": "06 11 22 33 44", "language": "en"},
    )

    assert answer.status_code == 200
    customer.refresh_from_db()
    assert (customer.last_name, customer.language) == ("Martin", "en")
    problem = assert_problem(
        customer_api.put("/api/v1/me", {"first_name": "Anne", "phone": "pas un numéro"}),
        422,
        "invalid_input",
    )
    assert [e["field"] for e in problem["errors"]] == ["phone"]


def test_addresses_add_default_and_delete(customer_api, customer):
    first = customer_api.post("/api/v1/me/addresses", ADDRESS)
    second = customer_api.post("/api/v1/me/addresses", ADDRESS | {"label": "Travail"})

    assert (first.status_code, first.json()["is_default"]) == (201, True)
    assert second.json()["is_default"] is False
    listed = customer_api.post(f"/api/v1/me/addresses/{second.json()['id']}/default").json()
    assert [a["label"] for a in listed if a["is_default"]] == ["Travail"]
    remaining = customer_api.delete(f"/api/v1/me/addresses/{second.json()['id']}").json()
    assert [a["id"] for a in remaining] == [first.json()["id"]]
    assert remaining[0]["is_default"] is True


def test_another_customers_address_is_not_found_and_untouched(customer_api):
    other = make_user()
    address = Address.objects.create(user=other, **(ADDRESS | {"is_default": True}))

    assert_problem(customer_api.delete(f"/api/v1/me/addresses/{address.pk}"), 404, "not_found")
    assert_problem(
        customer_api.post(f"/api/v1/me/addresses/{address.pk}/default"), 404, "not_found"
    )
    assert Address.objects.filter(pk=address.pk, is_default=True).exists()


def test_export_is_the_sites_my_data_file(customer_api, customer):
    customer_api.post("/api/v1/me/addresses", ADDRESS)

    data = customer_api.get("/api/v1/me/export").json()

    assert data["profile"]["email"] == customer.email
    assert data["addresses"][0]["line1"] == "12 rue Beauvoisine"
    assert data["orders"] == []
    assert "api_tokens" in data


def test_deletion_needs_the_accounts_address_and_revokes_every_token(customer_api, customer):
    second_device = ApiClient(token=token_for(customer))

    assert_problem(
        customer_api.post("/api/v1/me/delete", {"email": "someone@else.fr"}),
        401,
        "invalid_credentials",
    )
    assert User.objects.filter(pk=customer.pk).exists()

    assert customer_api.post("/api/v1/me/delete", {"email": customer.email}).status_code == 204
    assert not User.objects.filter(pk=customer.pk).exists()
    assert not ApiToken.objects.exists()
    assert second_device.get("/api/v1/me").status_code == 401


def test_deletion_keeps_orders_anonymised(customer_api, customer, shop):
    from datetime import UTC, datetime

    from tests.sales_orders import make_order

    order = make_order(shop, placed_at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    Order.objects.filter(pk=order.pk).update(customer=customer)

    assert customer_api.post("/api/v1/me/delete", {"email": customer.email}).status_code == 204
    order.refresh_from_db()
    assert order.customer_id is None
    assert "camille" not in order.contact_email.lower()


def test_shops_i_work_in_are_listed_for_any_token_of_mine(shop, city):
    from comptoir.domain.shops.models import Role
    from tests.factories import make_membership, make_shop

    baker = make_user()
    other = make_shop(city, name="Zèbre Pâtisserie")
    make_membership(shop, baker, role=Role.OWNER)
    make_membership(other, baker, role=Role.STAFF)
    make_shop(city)  # not theirs

    for token in (token_for(baker), token_for(baker, shop)):
        listed = ApiClient(token=token).get("/api/v1/auth/shops").json()
        assert [(s["id"], s["role"]) for s in listed] == [(shop.pk, "owner"), (other.pk, "staff")]
    assert ApiClient().get("/api/v1/auth/shops").status_code == 401

"""My data: download it as JSON, delete the account after typing the e-mail address."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.test import Client

from comptoir.domain.accounts.models import Address, User
from comptoir.domain.accounts.services import address_add
from comptoir.domain.orders.models import Order, OrderState
from comptoir.interfaces.accounts import privacy_views
from tests.factories import make_order, make_shop, make_user

pytestmark = pytest.mark.django_db

#: 23:30 UTC on 10 March is already 11 March in Paris: the file is named after the local day.
NOW = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(privacy_views, "current_time", lambda: NOW)


@pytest.fixture
def annes_order(anne, shop):
    return make_order(
        shop, customer=anne, contact_name="Anne Martin", contact_email="anne@example.fr",
        state=OrderState.COLLECTED,
    )  # fmt: skip


@pytest.fixture
def bob(shop):
    bob = make_user(email="bob@example.fr", first_name="Bob")
    address_add(
        user=bob, recipient="Bob Durand", line1="9 rue Jeanne-d'Arc", postal_code="76000",
        locality="Rouen",
    )  # fmt: skip
    make_order(shop, customer=bob, contact_name="Bob Durand", contact_email="bob@example.fr")
    return bob


@pytest.mark.parametrize("url", ["/account/data/", "/account/data/export/", "/account/delete/"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={url}"


def test_the_account_home_links_to_my_data(en, anne):
    en.force_login(anne)

    html = en.get("/account/").content.decode()

    assert 'href="/account/data/"' in html


def test_my_data_page_offers_the_download_and_the_deletion(en, anne):
    en.force_login(anne)

    response = en.get("/account/data/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/account/data/export/"' in html
    assert 'href="/account/delete/"' in html


def test_it_downloads_the_signed_in_customers_data_as_a_dated_json_file(
    client, anne, annes_order, bob
):
    client.force_login(anne)

    response = client.get("/account/data/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="comptoir-my-data-2026-03-11.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == "anne@example.fr"
    assert [order["number"] for order in data["orders"]] == [annes_order.number]
    text = response.content.decode()
    assert "bob" not in text.lower()
    assert "Jeanne-d'Arc" not in text


def test_another_customer_gets_only_their_own_data(client, anne, annes_order, bob):
    client.force_login(bob)

    data = json.loads(client.get("/account/data/export/").content)

    assert data["profile"]["email"] == "bob@example.fr"
    assert annes_order.number not in json.dumps(data)
    assert [a["recipient"] for a in data["addresses"]] == ["Bob Durand"]


def test_the_delete_page_asks_for_the_email_address(en, anne):
    en.force_login(anne)

    response = en.get("/account/delete/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="email"' in html
    assert "Type your e-mail address to confirm" in html
    assert User.objects.filter(pk=anne.pk).exists()


def test_a_wrong_email_deletes_nothing(en, anne, annes_order):
    address_add(user=anne, recipient="Anne", line1="1 rue", postal_code="76000", locality="Rouen")
    en.force_login(anne)

    response = en.post("/account/delete/", {"email": "someone@example.fr"})

    assert response.status_code == 200
    assert "This is not the e-mail address of your account. Nothing was deleted." in (
        response.content.decode()
    )
    assert User.objects.filter(pk=anne.pk).exists()
    assert Address.objects.filter(user=anne).count() == 1
    annes_order.refresh_from_db()
    assert (annes_order.customer_id, annes_order.contact_name) == (anne.pk, "Anne Martin")
    assert en.get("/account/").status_code == 200  # still logged in


def test_the_right_email_deletes_the_account_and_logs_out(en, anne, annes_order):
    en.force_login(anne)

    response = en.post("/account/delete/", {"email": " Anne@Example.fr "})

    assert response.status_code == 302
    assert response["Location"] == "/account/deleted/"
    assert not User.objects.filter(pk=anne.pk).exists()
    annes_order.refresh_from_db()
    assert (annes_order.customer_id, annes_order.contact_name, annes_order.total) == (
        None,
        "—",
        annes_order.total,
    )
    page = en.get("/account/deleted/")
    assert page.status_code == 200
    assert "Your account is deleted" in page.content.decode()
    assert en.get("/account/")["Location"] == "/account/login/?next=/account/"


def test_it_refuses_with_an_open_order_and_says_why(en, anne, shop):
    open_order = make_order(shop, customer=anne, contact_name="Anne Martin")
    en.force_login(anne)

    response = en.post("/account/delete/", {"email": "anne@example.fr"})

    assert response.status_code == 200
    assert f"You still have orders in progress ({open_order.number})" in (response.content.decode())
    assert User.objects.filter(pk=anne.pk).exists()
    assert Order.objects.get(pk=open_order.pk).contact_name == "Anne Martin"


def test_deleting_needs_the_csrf_token(anne):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anne)

    response = client.post("/account/delete/", {"email": "anne@example.fr"})

    assert response.status_code == 403
    assert User.objects.filter(pk=anne.pk).exists()


def test_deleting_is_never_a_get(client, anne):
    client.force_login(anne)

    client.get("/account/delete/", {"email": "anne@example.fr"})

    assert User.objects.filter(pk=anne.pk).exists()


def test_a_shop_owner_alone_in_their_shop_is_told_to_hand_it_over(en, anne, city):
    from comptoir.domain.shops.models import Membership, Role

    Membership.objects.create(user=anne, shop=make_shop(city, name="Primeur Anne"), role=Role.OWNER)
    en.force_login(anne)

    response = en.post("/account/delete/", {"email": "anne@example.fr"})

    assert "You are the only owner of Primeur Anne." in response.content.decode()
    assert User.objects.filter(pk=anne.pk).exists()

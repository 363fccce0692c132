"""The shop's invoices in the back office: owners only, list, HTML view, PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import billing_sweep, invoice_issue
from comptoir.domain.shops.models import Role
from tests.domain.billing.support import RUN_AT, local, make_issuer, make_plan, subscribe
from tests.factories import make_membership, make_shop, make_user

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def invoice(shop):
    make_issuer()
    return invoice_issue(
        subscription=subscribe(shop, make_plan(shop.city)), month=Month(2026, 3), now=RUN_AT
    )


def login(client, shop, role):
    user = make_user()
    make_membership(shop, user, role)
    client.force_login(user)
    return user


def urls(shop, invoice):
    args = [shop.city.slug, shop.slug]
    return [
        reverse("backoffice:invoices", args=args),
        reverse("backoffice:invoice", args=[*args, invoice.pk]),
        reverse("backoffice:invoice_pdf", args=[*args, invoice.pk]),
    ]


def test_the_owner_sees_the_list_with_a_tab_to_it(client, shop, invoice):
    login(client, shop, Role.OWNER)

    response = client.get(urls(shop, invoice)[0], headers=EN)

    assert response.status_code == 200
    assert "2026-000001" in response.text
    assert 'data-status="issued"' in response.text
    assert f'href="{urls(shop, invoice)[1]}"' in response.text
    assert f'href="{urls(shop, invoice)[0]}" aria-current="page"' in response.text
    assert 'id="billing-suspended"' not in response.text


def test_the_list_says_when_the_shop_is_suspended(client, shop, invoice):
    login(client, shop, Role.OWNER)
    billing_sweep(now=local(2026, 5, 1, 8))

    response = client.get(urls(shop, invoice)[0], headers=EN)

    assert 'id="billing-suspended"' in response.text
    assert 'data-status="late"' in response.text


def test_the_owner_reads_the_invoice_with_its_legal_mentions(client, shop, invoice):
    login(client, shop, Role.OWNER)

    response = client.get(urls(shop, invoice)[1], headers=EN)

    assert response.status_code == 200
    html = response.text
    assert "Invoice 2026-000001" in html
    assert "SIREN: 123456789" in html
    assert "VAT number: FR32123456789" in html
    assert "VAT 20 %" in html
    assert "34.80 €" in html
    assert "40 €" in html
    assert shop.name in html


def test_the_owner_downloads_the_pdf(client, shop, invoice):
    login(client, shop, Role.OWNER)

    response = client.get(urls(shop, invoice)[2])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="invoice-2026-000001.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_staff_get_the_403_page(client, shop, invoice, index):
    login(client, shop, Role.STAFF)

    assert client.get(urls(shop, invoice)[index]).status_code == 403


@pytest.mark.parametrize("index", [1, 2])
def test_another_shops_invoice_is_not_found(client, shop, invoice, index):
    other = make_shop(shop.city)
    login(client, other, Role.OWNER)
    args = [other.city.slug, other.slug, invoice.pk]
    name = "backoffice:invoice" if index == 1 else "backoffice:invoice_pdf"

    assert client.get(reverse(name, args=args)).status_code == 404


def test_a_stranger_gets_not_found_and_a_visitor_the_login_page(client, shop, invoice):
    assert client.get(urls(shop, invoice)[0]).status_code == 302
    client.force_login(make_user())
    assert client.get(urls(shop, invoice)[0]).status_code == 404


def test_an_unknown_invoice_is_not_found(client, shop, invoice):
    login(client, shop, Role.OWNER)

    response = client.get(reverse("backoffice:invoice", args=[shop.city.slug, shop.slug, 10**9]))

    assert response.status_code == 404


def test_no_invoice_yet_renders(client, shop):
    login(client, shop, Role.OWNER)

    response = client.get(reverse("backoffice:invoices", args=[shop.city.slug, shop.slug]))

    assert response.status_code == 200
    assert "bo-table" not in response.text


def test_the_list_costs_the_same_queries_for_one_invoice_or_many(client, shop, invoice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, shop, Role.OWNER)
    url = urls(shop, invoice)[0]
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    subscription = shop.subscription
    for month in (4, 5):
        invoice_issue(subscription=subscription, month=Month(2026, month), now=RUN_AT)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert response.text.count('id="invoice-') == 3
    assert len(three) == len(one)

"""Billing in the operator back office: plans, subscriptions, invoices, payments, exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from comptoir.domain.billing.models import (
    BillingDetails,
    BillingEvent,
    Invoice,
    InvoiceStatus,
    Issuer,
    Plan,
    Subscription,
)
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import billing_sweep, invoice_issue
from comptoir.domain.shops.models import Shop
from tests.domain.billing.support import RUN_AT, local, make_issuer, make_plan, subscribe
from tests.factories import make_user

pytestmark = pytest.mark.django_db
EN = {"Accept-Language": "en"}


@pytest.fixture
def invoice(shop):
    make_issuer()
    return invoice_issue(
        subscription=subscribe(shop, make_plan(shop.city)), month=Month(2026, 3), now=RUN_AT
    )


def changelist():
    return reverse("admin:billing_invoice_changelist")


def test_the_invoice_list_links_the_documents_and_the_exports(operator_client, invoice):
    response = operator_client.get(changelist(), headers=EN)

    assert response.status_code == 200
    assert "2026-000001" in response.text
    assert reverse("admin:billing_invoice_html", args=[invoice.pk]) in response.text
    assert reverse("admin:billing_invoice_pdf", args=[invoice.pk]) in response.text
    assert 'id="billing-exports-link"' in response.text


def test_the_operator_reads_the_html_and_downloads_the_pdf(operator_client, invoice):
    html = operator_client.get(reverse("admin:billing_invoice_html", args=[invoice.pk]), headers=EN)
    pdf = operator_client.get(reverse("admin:billing_invoice_pdf", args=[invoice.pk]))

    assert html.status_code == 200
    assert "Invoice 2026-000001" in html.text
    assert pdf.content.startswith(b"%PDF")
    assert (
        operator_client.get(reverse("admin:billing_invoice_pdf", args=[10**9])).status_code == 404
    )


def test_recording_the_payment_reinstates_the_suspended_shop(
    operator_client, operator, invoice, shop
):
    billing_sweep(now=local(2026, 5, 1, 8))
    assert Shop.objects.get(pk=shop.pk).suspended_at is not None

    response = operator_client.post(
        changelist(), {"action": "record_payment", "_selected_action": [invoice.pk]}
    )

    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID
    shop.refresh_from_db()
    assert (shop.is_active, shop.suspended_at) == (True, None)
    assert BillingEvent.objects.get(kind="paid").actor == operator
    assert BillingEvent.objects.filter(kind="reinstated").count() == 1


def test_recording_a_failure_then_a_second_payment_warns_without_a_500(operator_client, invoice):
    operator_client.post(
        changelist(), {"action": "record_failure", "_selected_action": [invoice.pk]}
    )
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.FAILED
    operator_client.post(
        changelist(), {"action": "record_payment", "_selected_action": [invoice.pk]}
    )

    response = operator_client.post(
        changelist(), {"action": "record_payment", "_selected_action": [invoice.pk]}, follow=True
    )

    assert response.status_code == 200
    assert BillingEvent.objects.filter(kind="paid").count() == 1


def test_the_event_log_lists_every_step(operator_client, invoice):
    billing_sweep(now=local(2026, 5, 1, 8))

    response = operator_client.get(reverse("admin:billing_billingevent_changelist"), headers=EN)

    assert response.status_code == 200
    for label in ("Invoice issued", "Invoice late", "Reminder sent", "Shop suspended"):
        assert label in response.text


def test_the_operator_subscribes_a_shop_then_changes_its_plan_from_next_month(
    operator_client, shop
):
    plan = make_plan(shop.city, trial_days=30)
    premium = make_plan(shop.city, name="Premium", monthly_fee=Decimal("59.00"))

    operator_client.post(
        reverse("admin:billing_subscription_add"),
        {"shop": shop.pk, "plan": plan.pk, "starts_on": "2026-03-01"},
    )
    subscription = Subscription.objects.get(shop=shop)
    assert subscription.trial_ends_on == date(2026, 3, 31)
    operator_client.post(
        reverse("admin:billing_subscription_change", args=[subscription.pk]),
        {"change_to": premium.pk},
    )

    subscription.refresh_from_db()
    assert subscription.plan == plan
    assert subscription.next_plan == premium
    assert subscription.next_plan_from is not None
    assert subscription.next_plan_from.day == 1


def test_the_exports_give_the_three_csv_files(operator_client, invoice, shop):
    url = reverse("admin:billing_invoice_exports")
    base = {"city": shop.city.pk, "first": "2026-01-01", "last": "2026-12-31"}

    page = operator_client.get(url)
    invoices = operator_client.get(url, base | {"kind": "invoices"}, headers=EN)
    payments = operator_client.get(url, base | {"kind": "payments"}, headers=EN)
    sellers = operator_client.get(url, base | {"kind": "sellers"}, headers=EN)

    assert page.status_code == 200
    text = b"".join(invoices.streaming_content).decode()
    assert text.startswith("\ufeffNumber;")
    assert "2026-000001" in text
    assert b"".join(payments.streaming_content).decode().count("\r\n") == 1  # header only
    assert "Q1 sales" in b"".join(sellers.streaming_content).decode()
    assert (
        sellers["Content-Disposition"]
        == f'attachment; filename="sellers-{shop.city.slug}-2026.csv"'
    )


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "invoices", "first": "2026-13-01", "last": "2026-12-31"},
        {"kind": "invoices", "first": "2026-12-31", "last": "2026-01-01"},
        {"kind": "nope", "first": "2026-01-01", "last": "2026-12-31"},
        {"kind": "invoices", "city": "99999999999999999999999999999"},
    ],
)
def test_bad_export_input_gets_the_form_again(operator_client, shop, query):
    response = operator_client.get(
        reverse("admin:billing_invoice_exports"), {"city": shop.city.pk} | query
    )

    assert response.status_code == 400


def test_customers_cannot_open_the_billing_pages(client, invoice):
    client.force_login(make_user())

    for url in (
        changelist(),
        reverse("admin:billing_invoice_pdf", args=[invoice.pk]),
        reverse("admin:billing_invoice_exports"),
    ):
        assert client.get(url).status_code == 302


@pytest.fixture
def one_of_each_billing(shop, invoice):
    """What test_site's one_of_each needs for billing (see the report to the lead)."""
    BillingDetails.objects.create(shop=shop, legal_name="SARL Au Bon Pain")


BILLING_MODELS = [Issuer, Plan, Subscription, BillingDetails, Invoice, BillingEvent]


@pytest.mark.parametrize("model", BILLING_MODELS, ids=lambda m: m.__name__)
def test_every_billing_page_of_the_admin_renders(operator_client, one_of_each_billing, model):
    opts = model._meta
    obj = model._default_manager.first()

    listing = operator_client.get(reverse(f"admin:billing_{opts.model_name}_changelist"))
    change = operator_client.get(reverse(f"admin:billing_{opts.model_name}_change", args=[obj.pk]))
    add = operator_client.get(reverse(f"admin:billing_{opts.model_name}_add"))

    assert listing.status_code == 200
    assert change.status_code == 200
    assert add.status_code == (403 if model in (Invoice, BillingEvent) else 200)


def test_a_plan_of_another_city_is_refused_on_the_form(operator_client, shop):
    from tests.factories import make_city

    elsewhere = make_plan(make_city())

    response = operator_client.post(
        reverse("admin:billing_subscription_add"),
        {"shop": shop.pk, "plan": elsewhere.pk, "starts_on": "2026-03-01"},
        headers=EN,
    )

    assert response.status_code == 200
    assert "This plan belongs to another city." in response.text
    assert not Subscription.objects.exists()

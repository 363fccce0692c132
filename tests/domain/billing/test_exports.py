"""The operator's billing exports: invoices, payments, the yearly per-seller (DAC7) report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.domain.billing.exports import (
    invoice_header,
    invoice_rows,
    payment_header,
    payment_rows,
    seller_year_header,
    seller_year_rows,
)
from comptoir.domain.billing.models import BillingDetails
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import invoice_issue, invoice_mark_failed, invoice_mark_paid
from comptoir.domain.deals.exports import csv_stream
from comptoir.domain.orders.models import OrderState
from tests.domain.billing.support import (
    RUN_AT,
    handed_over,
    local,
    make_issuer,
    make_plan,
    subscribe,
)
from tests.factories import make_city, make_shop
from tests.sales_orders import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def issued(shop):
    make_issuer()
    subscription = subscribe(shop, make_plan(shop.city, commission_percent=Decimal("0")))
    return invoice_issue(subscription=subscription, month=Month(2026, 3), now=RUN_AT)


def test_the_invoice_export_lists_the_citys_invoices_of_the_period(issued, shop):
    other_city = make_city()
    subscribe(make_shop(other_city), make_plan(other_city))

    rows = invoice_rows(first=date(2026, 4, 1), last=date(2026, 4, 30), city=shop.city)

    assert len(invoice_header()) == len(rows[0])
    assert rows == [
        [
            "2026-000001",
            "2026-04-01",
            "2026-04-16",
            "2026-03",
            shop.name,
            shop.name,
            "",
            "",
            Decimal("29.00"),
            Decimal("20.00"),
            Decimal("5.80"),
            Decimal("34.80"),
            "Issued",
            "",
        ]
    ]
    assert invoice_rows(first=date(2026, 5, 1), last=date(2026, 5, 31), city=shop.city) == []


def test_the_payment_export_lists_payments_and_failures_by_local_date(issued, shop):
    invoice_mark_failed(invoice=issued, now=local(2026, 4, 20, 10), note="Rejeté")
    # 30 April 23:30 in Paris is 21:30 UTC: still April.
    invoice_mark_paid(invoice=issued, now=local(2026, 4, 30, 23, 30), note="=HYPERLINK()")

    rows = payment_rows(first=date(2026, 4, 1), last=date(2026, 4, 30), city=shop.city)

    assert rows == [
        ["2026-04-20", "2026-000001", shop.name, Decimal("34.80"), "Payment failed", "Rejeté"],
        [
            "2026-04-30",
            "2026-000001",
            shop.name,
            Decimal("34.80"),
            "Payment recorded",
            "=HYPERLINK()",
        ],
    ]
    text = "".join(csv_stream(payment_header(), rows))
    assert text.startswith("\ufeff")
    assert ";'=HYPERLINK()\r\n" in text  # formula-safe


def test_the_seller_report_counts_sales_and_gross_revenue_per_quarter_in_city_time(city):
    shop = make_shop(city, name="Fromagerie")
    BillingDetails.objects.create(
        shop=shop,
        legal_name="SAS Fromagerie du Marché",
        street="2 rue du Bec",
        postal_code="76000",
        locality="Rouen",
        siret="11122233300044",
        vat_number="FR00111222333",
    )
    quiet = make_shop(city, name="Aucune vente")
    make_order(quiet, placed_at=local(2026, 2, 1, 10), state=OrderState.CANCELLED)
    # 31 March 23:30 in Paris: Q1. 1 April 00:30 in Paris (31 March 22:30 UTC): Q2.
    handed_over(shop, local(2026, 3, 31, 23, 30), Decimal("10.00"))
    handed_over(shop, local(2026, 4, 1, 0, 30), Decimal("20.50"))
    handed_over(shop, local(2026, 12, 31, 23, 59), Decimal("5.00"))
    handed_over(shop, local(2027, 1, 1, 0, 1), Decimal("100.00"))  # next year

    rows = seller_year_rows(city=city, year=2026)

    assert len(seller_year_header()) == len(rows[0])
    assert rows == [
        [
            "Fromagerie",
            "SAS Fromagerie du Marché",
            "2 rue du Bec, 76000 Rouen",
            "11122233300044",
            "FR00111222333",
            1,
            "10.00",
            1,
            "20.50",
            0,
            "0.00",
            1,
            "5.00",
            3,
            "35.50",
        ]
    ]

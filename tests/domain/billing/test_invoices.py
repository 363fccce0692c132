"""Issuing monthly invoices: lines, commission in city time, trial, plan changes, idempotence."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from comptoir.domain.billing.errors import NoIssuer, PlanNotInCity
from comptoir.domain.billing.models import (
    BillingDetails,
    BillingEvent,
    Invoice,
    InvoiceStatus,
)
from comptoir.domain.billing.pdf import invoice_pdf
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import (
    billing_run,
    invoice_issue,
    subscription_change_plan,
    subscription_start,
)
from comptoir.domain.notifications.models import OutboundEmail
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

MARCH = Month(2026, 3)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def issuer(db):
    return make_issuer()


def test_it_bills_the_fee_and_the_commission_of_the_month_handed_over_in_paris_time(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city))
    # 1 March 00:30 in Paris is 28 February 23:30 UTC: March.
    handed_over(shop, local(2026, 3, 1, 0, 30), Decimal("100.00"))
    handed_over(shop, local(2026, 3, 31, 23, 30), Decimal("60.00"))
    # 31 March 23:30 UTC is 1 April 01:30 in Paris: April, not billed.
    handed_over(shop, local(2026, 4, 1, 1, 30), Decimal("1000.00"))
    # 28 February 23:30 in Paris: February.
    handed_over(shop, local(2026, 2, 28, 23, 30), Decimal("500.00"))
    # Placed in March, handed over in April: billed with April.
    handed_over(shop, local(2026, 4, 1, 9, 0), Decimal("7.00"), placed_at=local(2026, 3, 31, 20))
    # Refused in March: not a sale.
    make_order(shop, placed_at=local(2026, 3, 10, 12), state=OrderState.REFUSED, total=Decimal(9))

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    lines = list(invoice.lines.values_list("amount_excl_vat", flat=True))
    assert lines == [Decimal("29.00"), Decimal("4.00")]  # 2.5 % of 160.00
    assert "2.5 % on 2 handed-over orders" in invoice.lines.get(position=2).label
    assert invoice.total_excl_vat == Decimal("33.00")
    assert invoice.vat_rate == Decimal("20.00")
    assert invoice.vat_amount == Decimal("6.60")
    assert invoice.total_incl_vat == Decimal("39.60")
    assert invoice.period == date(2026, 3, 1)
    assert invoice.issued_on == date(2026, 4, 1)
    assert invoice.due_on == date(2026, 4, 16)
    assert invoice.status == InvoiceStatus.ISSUED
    assert invoice.number == "2026-000001"


def test_it_rounds_the_commission_half_up_to_the_cent(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city, commission_percent=Decimal("2.50")))
    handed_over(shop, local(2026, 3, 5, 12), Decimal("10.10"))  # 0.2525

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    assert invoice.lines.get(position=2).amount_excl_vat == Decimal("0.25")


def test_a_plan_without_commission_bills_the_fee_alone(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city, commission_percent=Decimal("0.00")))
    handed_over(shop, local(2026, 3, 5, 12), Decimal("100.00"))

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    assert invoice.lines.count() == 1
    assert invoice.total_incl_vat == Decimal("34.80")


def test_a_month_in_the_trial_costs_nothing_and_is_paid_at_once(shop, issuer):
    # Started 15 February with 30 days free: the trial runs until 17 March.
    subscription = subscribe(shop, make_plan(shop.city, trial_days=30), date(2026, 2, 15))
    handed_over(shop, local(2026, 3, 20, 12), Decimal("100.00"))

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    assert invoice.lines.count() == 0
    assert invoice.total_incl_vat == Decimal("0.00")
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.paid_at == RUN_AT
    assert not OutboundEmail.objects.exists()


def test_the_first_whole_month_after_the_trial_is_billed(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city, trial_days=14), date(2026, 2, 15))

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    assert invoice.total_excl_vat == Decimal("29.00")


def test_a_month_started_after_its_first_day_is_free(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city), date(2026, 3, 2))

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    assert invoice.total_incl_vat == Decimal("0.00")


def test_a_plan_change_takes_effect_from_next_month(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city))
    premium = make_plan(shop.city, name="Premium", monthly_fee=Decimal("59.00"))

    subscription = subscription_change_plan(
        subscription=subscription, plan=premium, now=local(2026, 3, 31, 23, 30)
    )

    assert subscription.next_plan_from == date(2026, 4, 1)
    march = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)
    april = invoice_issue(subscription=subscription, month=Month(2026, 4), now=RUN_AT)
    assert march.lines.get(position=1).amount_excl_vat == Decimal("29.00")
    assert april.lines.get(position=1).amount_excl_vat == Decimal("59.00")
    assert BillingEvent.objects.filter(shop=shop, kind="plan_changed").count() == 1


def test_it_refuses_a_plan_of_another_city(shop):
    with pytest.raises(PlanNotInCity):
        subscription_start(shop=shop, plan=make_plan(make_city()), starts_on=date(2026, 1, 1))


def test_it_refuses_to_issue_without_an_issuer(shop):
    subscription = subscribe(shop, make_plan(shop.city))

    with pytest.raises(NoIssuer):
        invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)
    assert not Invoice.objects.exists()


def test_it_copies_the_buyers_legal_details_at_issue(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city))
    details = BillingDetails.objects.create(
        shop=shop,
        legal_name="SARL Au Bon Pain",
        street="3 rue Jeanne-d'Arc",
        postal_code="76000",
        locality="Rouen",
        siret="98765432100019",
        vat_number="FR11987654321",
        email="compta@aubonpain.fr",
    )

    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)
    details.legal_name = "Autre nom"
    details.save()

    invoice.refresh_from_db()
    assert invoice.buyer_name == "SARL Au Bon Pain"
    assert invoice.buyer_address == "3 rue Jeanne-d'Arc, 76000 Rouen"
    assert invoice.buyer_siret == "98765432100019"
    assert invoice.buyer_email == "compta@aubonpain.fr"
    assert invoice.issuer_siren == "123456789"
    email = OutboundEmail.objects.get()
    assert email.to == "compta@aubonpain.fr"
    assert email.key == f"billing:invoice:{invoice.pk}:issued"


def test_the_monthly_run_issues_last_months_invoices_once(city, issuer):
    plan = make_plan(city)
    shops = [make_shop(city) for _ in range(3)]
    for shop in shops:
        subscribe(shop, plan)
    late_comer = make_shop(city)
    subscribe(late_comer, plan, date(2026, 4, 1))  # nothing to bill for March

    first = billing_run(now=RUN_AT)
    again = billing_run(now=RUN_AT + timedelta(hours=5))

    assert first.issued == 3
    assert again.issued == 0
    assert Invoice.objects.count() == 3
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == [1, 2, 3]
    assert set(Invoice.objects.values_list("period", flat=True)) == {date(2026, 3, 1)}
    assert BillingEvent.objects.filter(kind="issued").count() == 3


def test_the_run_on_the_last_evening_of_the_month_in_paris_bills_the_month_before(shop, issuer):
    subscribe(shop, make_plan(shop.city))

    # 31 March 23:30 UTC is already 1 April in Paris.
    billing_run(now=local(2026, 4, 1, 1, 30))

    assert Invoice.objects.get().period == date(2026, 3, 1)


def test_the_run_does_nothing_without_an_issuer(shop):
    subscribe(shop, make_plan(shop.city))

    assert billing_run(now=RUN_AT).issued == 0
    assert not Invoice.objects.exists()


def test_the_management_command_runs_the_billing(shop, issuer, capsys):
    subscribe(shop, make_plan(shop.city))

    call_command("billing_run")

    assert Invoice.objects.count() == 1
    assert "1 issued" in capsys.readouterr().out


def _pdf_text(data: bytes) -> str:
    chunks = []
    for part in data.split(b"stream")[1:]:
        body = part.split(b"endstream")[0].strip(b"\r\n")
        try:
            chunks.append(zlib.decompress(body).decode("latin-1"))
        except zlib.error:
            chunks.append(body.decode("latin-1"))
    return "\n".join(chunks)


def test_the_pdf_is_a_pdf_with_the_number_the_totals_and_the_legal_mentions(shop, issuer):
    subscription = subscribe(shop, make_plan(shop.city))
    invoice = invoice_issue(subscription=subscription, month=MARCH, now=RUN_AT)

    data = invoice_pdf(invoice)

    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Invoice 2026-000001" in text
    assert "SIREN: 123456789" in text
    assert "FR32123456789" in text
    assert "34.80 EUR" in text
    assert "40 EUR" in text
    assert "VAT 20 %" in text


def test_the_periodic_sweep_of_every_server_process_runs_the_billing(shop, issuer):
    from comptoir.config import asgi

    subscribe(shop, make_plan(shop.city))

    asgi.run_desk_sweep()
    asgi.run_desk_sweep()

    assert Invoice.objects.count() == 1

"""The database refuses what billing must never hold (registered in test_constraint_coverage)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from comptoir.domain.billing.models import (
    BillingDetails,
    BillingEvent,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Issuer,
    Plan,
    Subscription,
)
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import invoice_issue
from tests.domain.billing.support import RUN_AT, make_issuer, make_plan, subscribe

pytestmark = pytest.mark.django_db


def refused(**changes):
    """Assert that writing `changes` (model -> queryset.update kwargs) fails."""
    with pytest.raises(IntegrityError), transaction.atomic():
        changes["query"].update(**changes["values"])


@pytest.fixture
def invoice(shop):
    make_issuer()
    subscription = subscribe(shop, make_plan(shop.city))
    return invoice_issue(subscription=subscription, month=Month(2026, 3), now=RUN_AT)


def test_it_refuses_a_second_plan_of_the_same_name_in_a_city(city):
    make_plan(city)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_plan(city)


def test_it_refuses_a_negative_fee_or_a_commission_outside_0_to_100(city):
    plan = make_plan(city)
    for values in ({"monthly_fee": Decimal("-0.01")}, {"commission_percent": Decimal("-0.01")}):
        refused(query=Plan.objects.filter(pk=plan.pk), values=values)
    refused(query=Plan.objects.filter(pk=plan.pk), values={"commission_percent": Decimal("100.01")})


def test_it_accepts_a_free_plan_and_a_commission_of_0_or_100(city):
    plan = make_plan(city, monthly_fee=Decimal("0.00"), commission_percent=Decimal("0.00"))
    Plan.objects.filter(pk=plan.pk).update(commission_percent=Decimal("100.00"))


def test_it_refuses_two_current_issuers_and_accepts_former_ones(db):
    make_issuer()
    make_issuer(is_current=False)
    make_issuer(is_current=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_issuer()
    assert Issuer.objects.count() == 3


def test_it_refuses_a_second_billing_details_row_or_subscription_for_a_shop(shop):
    BillingDetails.objects.create(shop=shop)
    with pytest.raises(IntegrityError), transaction.atomic():
        BillingDetails.objects.create(shop=shop)
    plan = make_plan(shop.city)
    subscribe(shop, plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.create(
            shop=shop, plan=plan, starts_on=date(2026, 1, 1), trial_ends_on=date(2026, 1, 1)
        )


def test_it_refuses_a_trial_ending_before_the_start_or_a_next_plan_without_date(shop):
    subscription = subscribe(shop, make_plan(shop.city))
    query = Subscription.objects.filter(pk=subscription.pk)
    refused(query=query, values={"trial_ends_on": date(2025, 12, 31)})
    refused(query=query, values={"next_plan_id": subscription.plan_id})
    refused(query=query, values={"next_plan_from": date(2026, 5, 1)})


def test_it_accepts_a_trial_of_zero_days_and_a_dated_next_plan(shop):
    subscription = subscribe(shop, make_plan(shop.city))
    assert subscription.trial_ends_on == subscription.starts_on
    Subscription.objects.filter(pk=subscription.pk).update(
        next_plan_id=subscription.plan_id, next_plan_from=date(2026, 5, 1)
    )


def test_it_refuses_a_second_counter_for_an_issuer_and_year(db):
    issuer = make_issuer()
    InvoiceCounter.objects.create(issuer=issuer, year=2026)
    InvoiceCounter.objects.create(issuer=issuer, year=2027)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceCounter.objects.create(issuer=issuer, year=2026)


def test_it_refuses_invalid_invoices(invoice):
    query = Invoice.objects.filter(pk=invoice.pk)
    for values in (
        {"sequence": 0},
        {"status": "draft"},
        {"total_incl_vat": Decimal("34.81")},
        {"vat_amount": Decimal("-5.80"), "total_incl_vat": Decimal("23.20")},
        {"due_on": date(2026, 3, 31)},
        {"status": "paid", "paid_at": None},
    ):
        refused(query=query, values=values)


def test_it_refuses_a_second_invoice_with_the_same_number_or_month(invoice, shop):
    fields = {
        f.name: getattr(invoice, f.name)
        for f in Invoice._meta.concrete_fields
        if f.name not in ("id", "created_at")
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(**(fields | {"period": date(2026, 4, 1)}))  # same number
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(**(fields | {"sequence": 2, "number": "2026-000002"}))  # same month


def test_it_accepts_a_valid_invoice_paid_on_its_due_date(invoice):
    Invoice.objects.filter(pk=invoice.pk).update(
        status="paid", paid_at=RUN_AT, due_on=invoice.issued_on, sequence=1
    )


def test_it_refuses_a_negative_line_and_accepts_a_zero_one(invoice):
    line = invoice.lines.first()
    refused(
        query=InvoiceLine.objects.filter(pk=line.pk), values={"amount_excl_vat": Decimal("-0.01")}
    )
    InvoiceLine.objects.filter(pk=line.pk).update(amount_excl_vat=Decimal("0.00"))


def test_it_refuses_an_unknown_event_kind_and_accepts_every_kind(invoice):
    event = BillingEvent.objects.get()
    refused(query=BillingEvent.objects.filter(pk=event.pk), values={"kind": "nope"})
    for kind in (
        "issued",
        "late",
        "reminder",
        "paid",
        "failed",
        "suspended",
        "reinstated",
        "plan_changed",
    ):
        BillingEvent.objects.filter(pk=event.pk).update(kind=kind)

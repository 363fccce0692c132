"""Unpaid invoices: late, reminded once per step, the shop suspended after the grace period,
reinstated on payment; every step in the event log."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation

from comptoir.domain.billing.errors import InvoiceAlreadyPaid
from comptoir.domain.billing.models import BillingEvent, Invoice, InvoiceStatus, Subscription
from comptoir.domain.billing.periods import Month
from comptoir.domain.billing.services import (
    billing_sweep,
    invoice_issue,
    invoice_mark_failed,
    invoice_mark_paid,
)
from comptoir.domain.deals.selectors import deal_for_customer
from comptoir.domain.notifications.models import OutboundEmail
from comptoir.domain.orders.desk import default_ready_by, order_accept
from comptoir.domain.orders.errors import BasketChanged
from comptoir.domain.orders.models import OrderState
from comptoir.domain.shops.models import Shop
from tests.domain.billing.support import RUN_AT, local, make_issuer, make_plan, subscribe
from tests.domain.deals.support import NOW as DEALS_NOW
from tests.domain.deals.support import make_deal
from tests.domain.orders.support import make_scene
from tests.domain.orders.test_checkout import place
from tests.factories import make_user

pytestmark = pytest.mark.django_db

#: Invoice issued 1 April 2026, due 16 April: late from the 17th (reminder 1),
#: reminder 2 on the 23rd, suspension on 1 May (15 days' grace).
DUE = date(2026, 4, 16)


def at(day: date, hour: int = 8):
    return local(day.year, day.month, day.day, hour)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def invoice(shop):
    make_issuer()
    shop.email = "bonjour@boulangerie.fr"
    shop.save()
    subscription = subscribe(shop, make_plan(shop.city))
    return invoice_issue(subscription=subscription, month=Month(2026, 3), now=RUN_AT)


def kinds(shop):
    return list(
        BillingEvent.objects.filter(shop=shop).order_by("at", "pk").values_list("kind", flat=True)
    )


def reminder_emails():
    return list(
        OutboundEmail.objects.filter(key__contains=":reminder:")
        .order_by("pk")
        .values_list("key", flat=True)
    )


def test_an_invoice_is_not_late_on_its_due_date(invoice):
    report = billing_sweep(now=at(DUE, 23))

    assert report.late == 0
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.ISSUED


def test_the_day_after_the_due_date_it_is_late_and_reminded_once(invoice, shop):
    first = billing_sweep(now=at(DUE + timedelta(days=1)))
    again = billing_sweep(now=at(DUE + timedelta(days=1), 18))

    assert (first.late, first.reminders) == (1, 1)
    assert (again.late, again.reminders) == (0, 0)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.LATE
    assert invoice.reminders_sent == 1
    assert reminder_emails() == [f"billing:invoice:{invoice.pk}:reminder:1"]
    assert OutboundEmail.objects.get(key__endswith=":reminder:1").to == "bonjour@boulangerie.fr"
    assert kinds(shop) == ["issued", "late", "reminder"]


def test_a_week_after_the_due_date_the_second_reminder_goes_once(invoice):
    for day in range(1, 10):
        billing_sweep(now=at(DUE + timedelta(days=day)))

    assert reminder_emails() == [
        f"billing:invoice:{invoice.pk}:reminder:1",
        f"billing:invoice:{invoice.pk}:reminder:2",
    ]


def test_a_sweep_that_missed_a_step_sends_only_the_latest_reminder(invoice):
    billing_sweep(now=at(DUE + timedelta(days=8)))

    assert reminder_emails() == [f"billing:invoice:{invoice.pk}:reminder:2"]


def test_the_shop_is_not_suspended_before_the_grace_period_ends(invoice, shop):
    billing_sweep(now=at(DUE + timedelta(days=14), 23))

    shop.refresh_from_db()
    assert shop.is_active is True
    assert shop.suspended_at is None


@override_settings(BILLING_GRACE_DAYS=3)
def test_the_grace_period_is_a_setting(invoice, shop):
    billing_sweep(now=at(DUE + timedelta(days=3)))

    shop.refresh_from_db()
    assert shop.suspended_at is not None


def test_after_the_grace_period_the_shop_is_suspended_once(invoice, shop):
    moment = at(DUE + timedelta(days=15))

    first = billing_sweep(now=moment)
    again = billing_sweep(now=moment + timedelta(hours=1))

    assert (first.suspended, again.suspended) == (1, 0)
    shop.refresh_from_db()
    assert shop.is_active is False
    assert shop.suspended_at == moment
    assert Subscription.objects.get(shop=shop).unpublished_by_billing is True
    assert kinds(shop) == ["issued", "late", "reminder", "suspended"]
    assert OutboundEmail.objects.filter(key=f"billing:invoice:{invoice.pk}:suspended").exists()


def test_payment_reinstates_the_suspended_shop(invoice, shop):
    billing_sweep(now=at(DUE + timedelta(days=15)))
    operator = make_user(is_staff=True)

    invoice_mark_paid(invoice=invoice, now=at(DUE + timedelta(days=16)), actor=operator)

    shop.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.paid_at == at(DUE + timedelta(days=16))
    assert shop.is_active is True
    assert shop.suspended_at is None
    assert kinds(shop) == ["issued", "late", "reminder", "suspended", "paid", "reinstated"]
    assert BillingEvent.objects.get(kind="paid").actor == operator
    assert Subscription.objects.get(shop=shop).unpublished_by_billing is False


def test_a_shop_unpublished_before_its_suspension_stays_unpublished_after_payment(invoice, shop):
    Shop.objects.filter(pk=shop.pk).update(is_active=False)
    billing_sweep(now=at(DUE + timedelta(days=15)))

    invoice_mark_paid(invoice=invoice, now=at(DUE + timedelta(days=16)))

    shop.refresh_from_db()
    assert shop.suspended_at is None
    assert shop.is_active is False


def test_a_shop_suspended_by_someone_else_is_not_reinstated_by_a_payment(invoice, shop):
    Shop.objects.filter(pk=shop.pk).update(is_active=False, suspended_at=RUN_AT)

    invoice_mark_paid(invoice=invoice, now=at(DUE))

    shop.refresh_from_db()
    assert shop.suspended_at == RUN_AT
    assert "reinstated" not in kinds(shop)


def test_a_failed_payment_is_recorded_and_the_invoice_still_due(invoice, shop):
    invoice_mark_failed(invoice=invoice, now=at(DUE), note="Virement rejeté")

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.FAILED
    assert BillingEvent.objects.get(kind="failed").note == "Virement rejeté"
    billing_sweep(now=at(DUE + timedelta(days=15)))
    shop.refresh_from_db()
    assert shop.suspended_at is not None


def test_a_paid_invoice_cannot_be_paid_or_failed_again(invoice):
    invoice_mark_paid(invoice=invoice, now=at(DUE))

    with pytest.raises(InvoiceAlreadyPaid):
        invoice_mark_paid(invoice=invoice, now=at(DUE))
    with pytest.raises(InvoiceAlreadyPaid):
        invoice_mark_failed(invoice=invoice, now=at(DUE))
    assert BillingEvent.objects.filter(kind="paid").count() == 1


def test_a_paid_invoice_is_never_late_nor_reminded(invoice, shop):
    invoice_mark_paid(invoice=invoice, now=at(DUE))

    billing_sweep(now=at(DUE + timedelta(days=20)))

    shop.refresh_from_db()
    assert reminder_emails() == []
    assert shop.is_active is True


# --- what a suspension stops, and what it does not --------------------------------------------


@pytest.fixture
def suspended_scene(city):
    scene = make_scene(city)
    make_issuer()
    subscription = subscribe(scene.bakery, make_plan(city, name="Rouen"))
    invoice = invoice_issue(subscription=subscription, month=Month(2026, 3), now=RUN_AT)
    return scene, invoice


def test_a_suspended_shop_disappears_from_the_storefront_and_comes_back_on_payment(
    client, suspended_scene
):
    scene, invoice = suspended_scene
    url = f"/{scene.city.slug}/{scene.bakery.slug}/"
    assert client.get(url).status_code == 200

    billing_sweep(now=at(DUE + timedelta(days=15)))
    assert client.get(url).status_code == 404

    invoice_mark_paid(invoice=invoice, now=at(DUE + timedelta(days=16)))
    assert client.get(url).status_code == 200


def test_checkout_refuses_the_products_of_a_suspended_shop(suspended_scene):
    scene, _invoice = suspended_scene
    billing_sweep(now=at(DUE + timedelta(days=15)))

    with pytest.raises(BasketChanged):
        place(scene)


def test_deals_of_a_suspended_shop_cannot_be_claimed(suspended_scene):
    scene, _invoice = suspended_scene
    deal = make_deal(scene.bakery)
    assert deal_for_customer(scene.city, deal.pk, now=DEALS_NOW) is not None

    billing_sweep(now=at(DUE + timedelta(days=15)))

    assert deal_for_customer(scene.city, deal.pk, now=DEALS_NOW) is None


def test_orders_placed_before_the_suspension_are_still_served_at_the_desk(suspended_scene):
    scene, _invoice = suspended_scene
    checkout = place(scene)
    order = checkout.orders.get(shop=scene.bakery)
    billing_sweep(now=at(DUE + timedelta(days=15)))
    order.refresh_from_db()

    now = order.placed_at
    order_accept(order=order, actor=None, ready_by=default_ready_by(order, now), now=now)

    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED


def test_totals_on_a_reminder_are_the_invoices(invoice):
    billing_sweep(now=at(DUE + timedelta(days=1)))

    assert "34.80" in OutboundEmail.objects.get(key__endswith=":reminder:1").body
    assert invoice.total_incl_vat == Decimal("34.80")


def test_a_payment_recorded_after_the_sweep_read_the_invoice_prevents_the_suspension(invoice, shop):
    from comptoir.domain.billing.services import shop_suspend

    stale = Invoice.objects.get(pk=invoice.pk)  # what the sweep read: unpaid
    invoice_mark_paid(invoice=invoice, now=at(DUE + timedelta(days=15)))

    assert shop_suspend(shop=shop, invoice=stale, now=at(DUE + timedelta(days=15))) == 0
    shop.refresh_from_db()
    assert (shop.is_active, shop.suspended_at) == (True, None)


@pytest.mark.django_db(transaction=True)
def test_a_payment_racing_the_suspension_never_leaves_a_paid_shop_suspended(city):
    from functools import partial

    from comptoir.domain.billing.services import shop_suspend
    from tests.concurrency import run_together
    from tests.factories import make_shop

    make_issuer()
    plan = make_plan(city)
    moment = at(DUE + timedelta(days=15))
    for _ in range(5):
        shop = make_shop(city)
        issued = invoice_issue(subscription=subscribe(shop, plan), month=Month(2026, 3), now=RUN_AT)

        _results, errors = run_together(
            [
                partial(shop_suspend, shop=shop, invoice=issued, now=moment),
                partial(invoice_mark_paid, invoice=issued, now=moment),
            ]
        )

        assert errors == []
        shop.refresh_from_db()
        assert Invoice.objects.get(pk=issued.pk).status == InvoiceStatus.PAID
        assert (shop.is_active, shop.suspended_at) == (True, None)

"""Billing writes: subscriptions, issuing invoices, payments, reminders, suspension.

Rules (docs/billing.md):

- A month is billed whole: the plan's monthly fee, plus its commission % of the
  month's handed-over orders (city time, see `selectors`). No proration. A
  month is free (no line charged) when the trial still runs on its first day
  or the subscription started after it: billing starts with the first whole
  month after the trial.
- A change of plan takes effect from the next month (`subscription_change_plan`).
- Numbers run without gaps per issuer and year ("2026-000123"): the counter
  row is bumped by a conditional UPDATE in the transaction that inserts the
  invoice, so a rolled-back issue gives its number back and two issues queue
  on the row lock (`_next_sequence`).
- `billing_run(now)` issues last month's invoice of every subscription that
  has none (any day of the month: it catches up after downtime; one invoice
  per shop and month, locked on the subscription and unique in the database),
  then `billing_sweep(now)`: an invoice unpaid after its due date is late; a
  reminder e-mail goes out a day, then a week after the due date (once per
  step); `BILLING_GRACE_DAYS` after it the shop is suspended (unpublished, no
  new orders or deals; orders already placed are still served). Recording the
  payment of its last overdue invoice reinstates it.
- Every step writes a `BillingEvent`; e-mails go through the outbox, after commit.
- Locks are `FOR NO KEY UPDATE`: the event rows written under them reference
  the locked shop and invoice (a foreign key takes `FOR KEY SHARE`), and a plain
  `FOR UPDATE` made a payment and a suspension deadlock. A suspension re-reads
  the invoice under the shop's lock, so a payment recorded meanwhile wins; a
  payment in flight takes the shop's lock after it, and reinstates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.domain.accounts.models import User
from comptoir.domain.billing.errors import InvoiceAlreadyPaid, NoIssuer, PlanNotInCity
from comptoir.domain.billing.models import (
    UNPAID_STATUSES,
    VAT_RATE,
    BillingDetails,
    BillingEvent,
    EventKind,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    Plan,
    Subscription,
)
from comptoir.domain.billing.periods import Month, local_today, month_of, previous_month
from comptoir.domain.billing.selectors import last_suspension_is_billings, shop_sales
from comptoir.domain.notifications.outbox import email_send_after_commit
from comptoir.domain.orders.totals import HUNDRED, ZERO, to_cent
from comptoir.domain.shops.models import Membership, Role, Shop

logger = logging.getLogger(__name__)

#: Days between the issue date and the due date.
PAYMENT_TERM_DAYS = 15
#: Reminder steps: days after the due date.
REMINDER_DAYS = (1, 7)


def grace_days() -> int:
    """Days after the due date before an unpaid invoice suspends the shop."""
    return settings.BILLING_GRACE_DAYS


def _event(
    *,
    shop: Shop,
    kind: str,
    at: datetime,
    invoice: Invoice | None = None,
    actor: User | None = None,
    note: str = "",
) -> BillingEvent:
    return BillingEvent.objects.create(
        shop=shop, invoice=invoice, kind=kind, at=at, actor=actor, note=note[:300]
    )


# --- subscriptions ------------------------------------------------------------------------


def subscription_start(*, shop: Shop, plan: Plan, starts_on: date) -> Subscription:
    """Subscribe `shop` to `plan` from `starts_on`; the plan's trial runs from then."""
    if plan.city_id != shop.city_id:
        raise PlanNotInCity
    return Subscription.objects.create(
        shop=shop,
        plan=plan,
        starts_on=starts_on,
        trial_ends_on=starts_on + timedelta(days=plan.trial_days),
    )


def plan_for(subscription: Subscription, month: Month) -> Plan:
    """The plan that bills `month`: the next plan once its month has come."""
    if (
        subscription.next_plan_id is not None
        and subscription.next_plan_from is not None
        and month.first_day >= subscription.next_plan_from
    ):
        assert subscription.next_plan is not None
        return subscription.next_plan
    return subscription.plan


def subscription_change_plan(
    *, subscription: Subscription, plan: Plan, now: datetime, actor: User | None = None
) -> Subscription:
    """Move the shop to `plan` from the first day of next month (city time)."""
    shop = subscription.shop
    if plan.city_id != shop.city_id:
        raise PlanNotInCity
    today = local_today(now, shop.city)
    with transaction.atomic():
        locked = (
            Subscription.objects.select_for_update(of=("self",), no_key=True)
            .select_related("plan")
            .get(pk=subscription.pk)
        )
        if locked.next_plan_from is not None and locked.next_plan_from <= today:
            assert locked.next_plan_id is not None  # an earlier change has come into effect
            locked.plan_id = locked.next_plan_id
        locked.next_plan = plan
        locked.next_plan_from = month_of(today).next().first_day
        if locked.plan_id == plan.pk:
            locked.next_plan, locked.next_plan_from = None, None
        locked.save(update_fields=["plan", "next_plan", "next_plan_from"])
        _event(
            shop=shop,
            kind=EventKind.PLAN_CHANGED,
            at=now,
            actor=actor,
            note=_("%(plan)s from %(day)s")
            % {"plan": plan.name, "day": month_of(today).next().first_day.isoformat()},
        )
    return locked


# --- issuing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    amount_excl_vat: Decimal


def _month_label(month: Month) -> str:
    return formats.date_format(month.first_day, "F Y")


def invoice_lines(*, subscription: Subscription, month: Month) -> list[Line]:
    """What `month` costs the shop, line by line (excl. VAT); empty for a free month."""
    if subscription.trial_ends_on > month.first_day or subscription.starts_on > month.first_day:
        return []
    plan = plan_for(subscription, month)
    lines = [
        Line(
            _("Subscription “%(plan)s”, %(month)s")
            % {"plan": plan.name, "month": _month_label(month)},
            to_cent(plan.monthly_fee),
        )
    ]
    if plan.commission_percent > 0:
        starts_at, ends_at = month.bounds(subscription.shop.city)
        sales = shop_sales(shop=subscription.shop, starts_at=starts_at, ends_at=ends_at)
        lines.append(
            Line(
                _(
                    "Commission %(percent)s %% on %(orders)s handed-over orders "
                    "(%(gross)s € incl. VAT), %(month)s"
                )
                % {
                    "percent": formats.number_format(plan.commission_percent.normalize()),
                    "orders": sales.orders,
                    "gross": formats.number_format(sales.gross, 2),
                    "month": _month_label(month),
                },
                to_cent(sales.gross * plan.commission_percent / HUNDRED),
            )
        )
    return lines


def current_issuer() -> Issuer:
    issuer = Issuer.objects.filter(is_current=True).first()
    if issuer is None:
        raise NoIssuer
    return issuer


def _next_sequence(issuer: Issuer, year: int) -> int:
    """The issuer's next number in `year`. Holds the counter row's lock until commit.

    The UPDATE comes first: it takes the row lock (PostgreSQL) or the write
    lock (SQLite, BEGIN IMMEDIATE), so the read that follows sees our own
    increment and nobody else's until we commit or roll back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Invoice numbers are given inside the invoice's transaction.")
    InvoiceCounter.objects.get_or_create(issuer=issuer, year=year)
    InvoiceCounter.objects.filter(issuer=issuer, year=year).update(last=F("last") + 1)
    return InvoiceCounter.objects.values_list("last", flat=True).get(issuer=issuer, year=year)


def _buyer(shop: Shop) -> dict[str, str]:
    details = BillingDetails.objects.filter(shop=shop).first()
    owner = (
        Membership.objects.filter(shop=shop, role=Role.OWNER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    email = (details.email if details else "") or shop.email or (owner.user.email if owner else "")
    if details is not None and details.legal_name and details.street:
        address = f"{details.street}, {details.postal_code} {details.locality}"
        return {
            "buyer_name": details.legal_name,
            "buyer_address": address,
            "buyer_siret": details.siret,
            "buyer_vat_number": details.vat_number,
            "buyer_email": email,
        }
    return {
        "buyer_name": (details.legal_name if details else "") or shop.name,
        "buyer_address": f"{shop.street}, {shop.postal_code} {shop.locality}",
        "buyer_siret": details.siret if details else "",
        "buyer_vat_number": details.vat_number if details else "",
        "buyer_email": email,
    }


def invoice_issue(*, subscription: Subscription, month: Month, now: datetime) -> Invoice:
    """Issue the invoice of `month` for the subscription's shop; the existing one if any.

    One transaction: the subscription row is locked (two runs of the sweep in
    two processes queue here), the number taken, the invoice and its lines
    written, the event logged and the e-mail recorded in the outbox.
    """
    issuer = current_issuer()
    shop = subscription.shop
    with transaction.atomic():
        locked = (
            Subscription.objects.select_for_update(of=("self",), no_key=True)
            .select_related("plan", "next_plan", "shop__city")
            .get(pk=subscription.pk)
        )
        existing = Invoice.objects.filter(shop_id=locked.shop_id, period=month.first_day).first()
        if existing is not None:
            return existing
        lines = invoice_lines(subscription=locked, month=month)
        total = sum((line.amount_excl_vat for line in lines), ZERO)
        vat = to_cent(total * VAT_RATE / HUNDRED)
        issued_on = local_today(now, shop.city)
        sequence = _next_sequence(issuer, issued_on.year)
        free = total + vat == ZERO
        invoice = Invoice.objects.create(
            issuer=issuer,
            shop=locked.shop,
            year=issued_on.year,
            sequence=sequence,
            number=f"{issued_on.year}-{sequence:06d}",
            period=month.first_day,
            issued_on=issued_on,
            due_on=issued_on + timedelta(days=PAYMENT_TERM_DAYS),
            status=InvoiceStatus.PAID if free else InvoiceStatus.ISSUED,
            paid_at=now if free else None,
            issuer_name=issuer.name,
            issuer_address=issuer.address,
            issuer_siren=issuer.siren,
            issuer_vat_number=issuer.vat_number,
            issuer_legal_form=issuer.legal_form,
            issuer_iban=issuer.iban,
            issuer_bic=issuer.bic,
            **_buyer(locked.shop),
            total_excl_vat=total,
            vat_rate=VAT_RATE,
            vat_amount=vat,
            total_incl_vat=total + vat,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                label=line.label[:200],
                amount_excl_vat=line.amount_excl_vat,
            )
            for position, line in enumerate(lines, start=1)
        )
        _event(shop=locked.shop, invoice=invoice, kind=EventKind.ISSUED, at=now)
        if not free and invoice.buyer_email:
            email_send_after_commit(
                key=f"billing:invoice:{invoice.pk}:issued",
                to=invoice.buyer_email,
                subject=_("Your Comptoir invoice %(number)s") % {"number": invoice.number},
                body=_(
                    "Hello,\n\nYour invoice %(number)s for %(month)s is ready: %(total)s € incl. "
                    "VAT, due on %(due)s. You can read and download it in your shop's back "
                    "office, under Invoices.\n\nPayment by bank transfer to IBAN %(iban)s, "
                    "quoting the invoice number.\n\nThank you,\nComptoir"
                )
                % {
                    "number": invoice.number,
                    "month": _month_label(month),
                    "total": formats.number_format(invoice.total_incl_vat, 2),
                    "due": formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT"),
                    "iban": invoice.issuer_iban,
                },
            )
    return invoice


@dataclass(frozen=True, slots=True)
class RunReport:
    issued: int = 0
    late: int = 0
    reminders: int = 0
    suspended: int = 0


def billing_run(*, now: datetime | None = None) -> RunReport:
    """Issue last month's missing invoices, then sweep unpaid ones. Idempotent."""
    now = now or timezone.now()
    if not Issuer.objects.filter(is_current=True).exists():
        return billing_sweep(now=now)
    issued = 0
    due: list[tuple[Subscription, Month]] = []
    subscriptions = Subscription.objects.select_related("shop__city", "plan", "next_plan")
    for subscription in subscriptions.order_by("pk"):
        month = previous_month(month_of(local_today(now, subscription.shop.city)))
        if subscription.starts_on < month.next().first_day:
            due.append((subscription, month))
    billed = set(
        Invoice.objects.filter(period__in={pair[1].first_day for pair in due}).values_list(
            "shop_id", "period"
        )
    )
    for subscription, month in due:
        if (subscription.shop_id, month.first_day) in billed:
            continue
        try:
            invoice_issue(subscription=subscription, month=month, now=now)
        except IntegrityError:  # another process issued it in between
            logger.info("Invoice of %s for %s issued elsewhere.", subscription.shop, month)
            continue
        issued += 1
    swept = billing_sweep(now=now)
    return RunReport(issued, swept.late, swept.reminders, swept.suspended)


# --- payments, reminders, suspension --------------------------------------------------------


def billing_sweep(*, now: datetime) -> RunReport:
    """Mark overdue invoices late, send the reminders due, suspend shops past the grace period."""
    late = reminders = suspended = 0
    unpaid = (
        Invoice.objects.filter(status__in=UNPAID_STATUSES, due_on__lt=now.date() + timedelta(1))
        .select_related("shop__city")
        .order_by("pk")
    )
    for invoice in unpaid:
        today = local_today(now, invoice.shop.city)
        if today <= invoice.due_on:
            continue
        # Most sweeps find nothing new: no transaction, no lock, unless a step is due.
        if invoice.status == InvoiceStatus.ISSUED or _steps_due(invoice, today) > (
            invoice.reminders_sent
        ):
            with transaction.atomic():
                if invoice.status == InvoiceStatus.ISSUED and (
                    Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.ISSUED).update(
                        status=InvoiceStatus.LATE
                    )
                ):
                    invoice.status = InvoiceStatus.LATE
                    _event(shop=invoice.shop, invoice=invoice, kind=EventKind.LATE, at=now)
                    late += 1
                reminders += _remind(invoice=invoice, today=today, now=now)
        past_grace = today >= invoice.due_on + timedelta(days=grace_days())
        if past_grace and invoice.shop.suspended_at is None:
            suspended += shop_suspend(shop=invoice.shop, invoice=invoice, now=now)
    return RunReport(late=late, reminders=reminders, suspended=suspended)


def _steps_due(invoice: Invoice, today: date) -> int:
    return sum(1 for days in REMINDER_DAYS if today >= invoice.due_on + timedelta(days=days))


def _remind(*, invoice: Invoice, today: date, now: datetime) -> int:
    """Send the latest reminder step due, once (conditional UPDATE on `reminders_sent`)."""
    steps_due = _steps_due(invoice, today)
    if steps_due <= invoice.reminders_sent:
        return 0
    claimed = Invoice.objects.filter(pk=invoice.pk, reminders_sent__lt=steps_due).update(
        reminders_sent=steps_due
    )
    if not claimed:
        return 0
    invoice.reminders_sent = steps_due
    _event(
        shop=invoice.shop,
        invoice=invoice,
        kind=EventKind.REMINDER,
        at=now,
        note=_("Reminder %(step)s") % {"step": steps_due},
    )
    if invoice.buyer_email:
        suspend_on = invoice.due_on + timedelta(days=grace_days())
        email_send_after_commit(
            key=f"billing:invoice:{invoice.pk}:reminder:{steps_due}",
            to=invoice.buyer_email,
            subject=_("Reminder: invoice %(number)s is unpaid") % {"number": invoice.number},
            body=_(
                "Hello,\n\nYour Comptoir invoice %(number)s (%(total)s € incl. VAT) was due on "
                "%(due)s and we have not received its payment yet. Please pay it by bank "
                "transfer to IBAN %(iban)s, quoting its number.\n\nWithout payment by "
                "%(suspend)s, your shop will be hidden from customers until it is paid. "
                "Orders already placed will still be served.\n\nIf you have paid in the "
                "meantime, thank you, and please ignore this message.\n\nComptoir"
            )
            % {
                "number": invoice.number,
                "total": formats.number_format(invoice.total_incl_vat, 2),
                "due": formats.date_format(invoice.due_on, "SHORT_DATE_FORMAT"),
                "iban": invoice.issuer_iban,
                "suspend": formats.date_format(suspend_on, "SHORT_DATE_FORMAT"),
            },
        )
    return 1


def shop_suspend(*, shop: Shop, invoice: Invoice, now: datetime) -> int:
    """Suspend `shop` for the unpaid `invoice`: unpublished, no new orders or deals. 1 if done."""
    with transaction.atomic():
        locked = Shop.objects.select_for_update(no_key=True).get(pk=shop.pk)
        if locked.suspended_at is not None:
            return 0
        # Read again under the shop's lock: a payment recorded since the sweep read
        # the invoice wins (a payment in flight takes this lock next and reinstates).
        if not Invoice.objects.filter(pk=invoice.pk, status__in=UNPAID_STATUSES).exists():
            return 0
        was_published = locked.is_active
        Shop.objects.filter(pk=shop.pk).update(is_active=False, suspended_at=now, updated_at=now)
        Subscription.objects.filter(shop=shop).update(unpublished_by_billing=was_published)
        _event(
            shop=shop,
            invoice=invoice,
            kind=EventKind.SUSPENDED,
            at=now,
            note=_("Invoice %(number)s unpaid %(days)s days after its due date")
            % {"number": invoice.number, "days": grace_days()},
        )
        if invoice.buyer_email:
            email_send_after_commit(
                key=f"billing:invoice:{invoice.pk}:suspended",
                to=invoice.buyer_email,
                subject=_("Your shop is hidden until invoice %(number)s is paid")
                % {"number": invoice.number},
                body=_(
                    "Hello,\n\nInvoice %(number)s is still unpaid, so %(shop)s is now hidden "
                    "from customers: no new orders or deals. Orders already placed are still "
                    "yours to serve from the desk.\n\nAs soon as the payment is recorded, the "
                    "shop is published again.\n\nComptoir"
                )
                % {"number": invoice.number, "shop": shop.name},
            )
    shop.is_active, shop.suspended_at = False, now
    return 1


def _reinstate_if_settled(
    *, shop: Shop, invoice: Invoice, now: datetime, actor: User | None
) -> None:
    """Publish the shop again if billing suspended it and nothing overdue past grace remains."""
    locked = Shop.objects.select_for_update(no_key=True).get(pk=shop.pk)
    if locked.suspended_at is None or not last_suspension_is_billings(locked):
        return
    today = local_today(now, locked.city)
    still_overdue = Invoice.objects.filter(
        shop=locked,
        status__in=UNPAID_STATUSES,
        due_on__lte=today - timedelta(days=grace_days()),
    ).exists()
    if still_overdue:
        return
    subscription = Subscription.objects.filter(shop=locked).first()
    republish = subscription.unpublished_by_billing if subscription else False
    Shop.objects.filter(pk=locked.pk).update(suspended_at=None, is_active=republish, updated_at=now)
    Subscription.objects.filter(shop=locked).update(unpublished_by_billing=False)
    _event(shop=locked, invoice=invoice, kind=EventKind.REINSTATED, at=now, actor=actor)


def invoice_mark_paid(
    *, invoice: Invoice, now: datetime, actor: User | None = None, note: str = ""
) -> Invoice:
    """Record the invoice's payment; reinstate the shop if it was its last overdue one."""
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",), no_key=True)
            .select_related("shop__city")
            .get(pk=invoice.pk)
        )
        if locked.status == InvoiceStatus.PAID:
            raise InvoiceAlreadyPaid
        locked.status, locked.paid_at = InvoiceStatus.PAID, now
        locked.save(update_fields=["status", "paid_at"])
        _event(
            shop=locked.shop, invoice=locked, kind=EventKind.PAID, at=now, actor=actor, note=note
        )
        _reinstate_if_settled(shop=locked.shop, invoice=locked, now=now, actor=actor)
    return locked


def invoice_mark_failed(
    *, invoice: Invoice, now: datetime, actor: User | None = None, note: str = ""
) -> Invoice:
    """Record a failed payment (a rejected transfer or debit): the invoice is still due."""
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",), no_key=True)
            .select_related("shop")
            .get(pk=invoice.pk)
        )
        if locked.status == InvoiceStatus.PAID:
            raise InvoiceAlreadyPaid
        locked.status = InvoiceStatus.FAILED
        locked.save(update_fields=["status"])
        _event(
            shop=locked.shop, invoice=locked, kind=EventKind.FAILED, at=now, actor=actor, note=note
        )
    return locked

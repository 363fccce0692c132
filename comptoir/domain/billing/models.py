"""Plans, subscriptions, the issuer, invoices with gap-free numbers, and the billing event log.

Amounts on invoices are excl. VAT per line, VAT at 20 % on the invoice total,
all `Decimal`s to the cent (totals are checked with a half-cent tolerance, as
for orders: SQLite stores decimals as binary floats).

Invoices are business records: nothing a shop or plan deletion does may take
them away (shop, issuer and plan links are PROTECTed); the issuer's and the
buyer's legal details are copied on the invoice when it is issued.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Abs
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop

HALF_CENT = Decimal("0.005")
#: The VAT rate (in %) of Comptoir's services: subscription and commission.
VAT_RATE = Decimal("20.00")


def _equal_to_the_cent(left: models.F, right: models.Expression) -> models.Q:
    return models.Q(LessThan(Abs(left - right), models.Value(HALF_CENT)))


class Plan(models.Model):
    """What a city's shop pays each month: a fee, maybe a commission on handed-over orders."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="billing_plans", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=80)
    monthly_fee = models.DecimalField(
        _("monthly fee excl. VAT"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    commission_percent = models.DecimalField(
        _("commission (% of handed-over orders)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    trial_days = models.PositiveSmallIntegerField(_("free trial (days)"), default=0)
    is_active = models.BooleanField(
        _("offered"), default=True, help_text=_("Plans no longer offered keep their shops.")
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["city__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="billing_plan_name_unique"),
            models.CheckConstraint(
                condition=models.Q(monthly_fee__gte=0), name="billing_plan_fee_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(commission_percent__gte=0, commission_percent__lte=100),
                name="billing_plan_commission_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class Issuer(models.Model):
    """The operator's company, which issues the invoices. One is current at a time."""

    name = models.CharField(_("company name"), max_length=120)
    street = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    locality = models.CharField(_("town"), max_length=100)
    siren = models.CharField(_("SIREN"), max_length=9)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20)
    legal_form = models.CharField(
        _("legal form and capital"), max_length=120, blank=True, help_text=_("e.g. SAS, 10 000 €")
    )
    email = models.EmailField(_("billing e-mail"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    is_current = models.BooleanField(_("current issuer"), default=True)

    class Meta:
        verbose_name = _("issuer")
        verbose_name_plural = _("issuer")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"],
                condition=models.Q(is_current=True),
                name="billing_issuer_one_current",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.locality}"


class BillingDetails(models.Model):
    """The shop's legal details for its invoices (the shop itself has none)."""

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="billing_details", verbose_name=_("shop")
    )
    legal_name = models.CharField(_("legal name"), max_length=120, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    locality = models.CharField(_("town"), max_length=100, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    email = models.EmailField(_("billing e-mail"), blank=True)

    class Meta:
        verbose_name = _("billing details")
        verbose_name_plural = _("billing details")

    def __str__(self) -> str:
        return self.legal_name or str(self.shop)


class Subscription(models.Model):
    """A shop's plan. A change of plan takes effect from the next month (`next_plan`)."""

    shop = models.OneToOneField(
        Shop, on_delete=models.PROTECT, related_name="subscription", verbose_name=_("shop")
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan")
    )
    next_plan = models.ForeignKey(
        Plan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("next plan"),
    )
    next_plan_from = models.DateField(_("next plan from"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"))
    trial_ends_on = models.DateField(
        _("trial ends on"), help_text=_("The first day that is no longer free.")
    )
    #: True while billing has unpublished the shop: it is published again on payment.
    unpublished_by_billing = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trial_ends_on__gte=models.F("starts_on")),
                name="billing_subscription_trial_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(next_plan__isnull=True, next_plan_from__isnull=True)
                | models.Q(next_plan__isnull=False, next_plan_from__isnull=False),
                name="billing_subscription_next_plan_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop} — {self.plan.name}"


class InvoiceCounter(models.Model):
    """The last number given per issuer and year: bumped in the transaction of the invoice."""

    issuer = models.ForeignKey(Issuer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="billing_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("invoice", "Issued")
    PAID = "paid", pgettext_lazy("invoice", "Paid")
    LATE = "late", pgettext_lazy("invoice", "Late")
    FAILED = "failed", pgettext_lazy("invoice", "Payment failed")


#: Invoices still waiting for their money.
UNPAID_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.LATE, InvoiceStatus.FAILED)


class Invoice(models.Model):
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("issuer")
    )
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("shop")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("number"), max_length=20)
    #: The first day of the month billed.
    period = models.DateField(_("month billed"))
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED
    )
    # The issuer, as it was on the day of issue.
    issuer_name = models.CharField(_("issuer"), max_length=120)
    issuer_address = models.CharField(_("issuer address"), max_length=320)
    issuer_siren = models.CharField(_("SIREN"), max_length=9)
    issuer_vat_number = models.CharField(_("issuer VAT number"), max_length=20)
    issuer_legal_form = models.CharField(max_length=120, blank=True)
    issuer_iban = models.CharField(_("IBAN"), max_length=34)
    issuer_bic = models.CharField(_("BIC"), max_length=11, blank=True)
    # The buyer (the shop's business), as it was on the day of issue.
    buyer_name = models.CharField(_("buyer"), max_length=120)
    buyer_address = models.CharField(_("buyer address"), max_length=320)
    buyer_siret = models.CharField(_("buyer SIRET"), max_length=14, blank=True)
    buyer_vat_number = models.CharField(_("buyer VAT number"), max_length=20, blank=True)
    buyer_email = models.EmailField(_("buyer e-mail"), blank=True)
    total_excl_vat = models.DecimalField(_("total excl. VAT"), max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=10, decimal_places=2)
    total_incl_vat = models.DecimalField(_("total incl. VAT"), max_digits=10, decimal_places=2)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    #: The last reminder step sent (0: none, 1: a day after due, 2: a week after).
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "sequence"], name="billing_invoice_number_unique"
            ),
            models.UniqueConstraint(
                fields=["shop", "period"], name="billing_invoice_one_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__gte=1), name="billing_invoice_sequence_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InvoiceStatus.values),
                name="billing_invoice_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(total_excl_vat__gte=0, vat_amount__gte=0)
                & _equal_to_the_cent(
                    models.F("total_incl_vat"), models.F("total_excl_vat") + models.F("vat_amount")
                ),
                name="billing_invoice_totals_add_up",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("issued_on")),
                name="billing_invoice_due_after_issue",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=InvoiceStatus.PAID) | models.Q(paid_at__isnull=False),
                name="billing_invoice_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("description"), max_length=200)
    amount_excl_vat = models.DecimalField(_("amount excl. VAT"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_excl_vat__gte=0),
                name="billing_invoiceline_amount_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class EventKind(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("billing event", "Invoice issued")
    LATE = "late", pgettext_lazy("billing event", "Invoice late")
    REMINDER = "reminder", pgettext_lazy("billing event", "Reminder sent")
    PAID = "paid", pgettext_lazy("billing event", "Payment recorded")
    FAILED = "failed", pgettext_lazy("billing event", "Payment failed")
    SUSPENDED = "suspended", pgettext_lazy("billing event", "Shop suspended")
    REINSTATED = "reinstated", pgettext_lazy("billing event", "Shop reinstated")
    PLAN_CHANGED = "plan_changed", pgettext_lazy("billing event", "Plan change")


class BillingEvent(models.Model):
    """One step of a shop's billing: the log the operator reads."""

    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, related_name="billing_events", verbose_name=_("shop")
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("invoice"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("billing event")
        verbose_name_plural = _("billing events")
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="billing_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.shop}"

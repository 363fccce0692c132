"""Billing's refusals, each a `DomainError` with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError


class NoIssuer(DomainError):
    code = "billing_no_issuer"
    default_message = _("No issuer is set: enter the operator's company details first.")


class PlanNotInCity(DomainError):
    code = "billing_plan_not_in_city"
    default_message = _("This plan belongs to another city.")
    field = "plan"


class InvoiceAlreadyPaid(DomainError):
    code = "billing_invoice_already_paid"
    default_message = _("This invoice is already paid.")

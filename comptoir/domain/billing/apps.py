from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Plans, subscriptions, monthly invoices, payments and suspension for unpaid invoices."""

    name = "comptoir.domain.billing"
    label = "billing"
    verbose_name = _("Billing")

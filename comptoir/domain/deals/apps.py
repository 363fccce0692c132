from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    """Deals ("bons plans") published by shops, and the vouchers customers claim and redeem."""

    name = "comptoir.domain.deals"
    label = "deals"
    verbose_name = _("Deals")

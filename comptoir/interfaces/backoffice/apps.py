from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The shop's back office: products, stock, CSV import, settings, staff, sales."""

    name = "comptoir.interfaces.backoffice"
    label = "backoffice"
    verbose_name = _("Back office")

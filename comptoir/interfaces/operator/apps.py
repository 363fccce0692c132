from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperatorConfig(AppConfig):
    """The operator's back office: the Django admin, configured for Comptoir."""

    name = "comptoir.interfaces.operator"
    label = "operator"
    verbose_name = _("Operator back office")

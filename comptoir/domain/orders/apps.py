from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Baskets, checkout (one order per shop), orders and their lifecycle."""

    name = "comptoir.domain.orders"
    label = "orders"
    verbose_name = _("Orders")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FulfilmentConfig(AppConfig):
    """Pickup and delivery slots, slot capacity, daily quotas, delivery zones and fees."""

    name = "comptoir.domain.fulfilment"
    label = "fulfilment"
    verbose_name = _("Fulfilment")

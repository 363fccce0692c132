from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Web Push subscriptions (customers, guests following one order, shop staff) and sending."""

    name = "comptoir.domain.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Baskets, checkout (one order per shop), orders and their lifecycle."""

    name = "comptoir.domain.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self) -> None:
        # Registers the e-mail renderers (the checkout's confirmation) in every
        # process, the workers that send the outbox's e-mails included.
        from comptoir.domain.orders import notifications  # noqa: F401

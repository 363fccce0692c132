from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StorefrontConfig(AppConfig):
    """Customer-facing pages: city home, shop pages (basket and checkout later)."""

    name = "comptoir.interfaces.storefront"
    label = "storefront"
    verbose_name = _("Storefront")

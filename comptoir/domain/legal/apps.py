from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    """Each city's legal pages, the platform's terms and each shop's terms of sale."""

    name = "comptoir.domain.legal"
    label = "legal"
    verbose_name = _("Legal pages")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Figures of local activity for the operator and the city's partners."""

    name = "comptoir.domain.insights"
    label = "insights"
    verbose_name = _("Insights")

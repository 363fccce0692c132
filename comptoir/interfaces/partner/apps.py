from django.apps import AppConfig


class PartnerConfig(AppConfig):
    """The city partners' read-only dashboards under /partner/ (issue #8)."""

    name = "comptoir.interfaces.partner"
    label = "partner"

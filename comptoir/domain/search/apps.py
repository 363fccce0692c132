from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """City-wide product and shop search: one function over SQLite FTS5 or PostgreSQL."""

    name = "comptoir.domain.search"
    label = "search"
    verbose_name = _("Search")

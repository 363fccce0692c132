from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """City-wide product and shop search: one function over SQLite FTS5 or PostgreSQL."""

    name = "comptoir.domain.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from comptoir.domain.search.services import search_index_repair_after_migrate

        # SQLite drops a table's triggers when a migration rebuilds the table.
        # post_migrate is only sent for apps with models, which this one has
        # not: listen to the catalogue's (sent once all migrations have run).
        post_migrate.connect(
            search_index_repair_after_migrate,
            sender=apps.get_app_config("catalogue"),
            dispatch_uid="search_index_repair",
        )

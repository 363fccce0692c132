from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "comptoir.domain.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from comptoir.domain.catalogue.revision import repair_after_migrate

        # SQLite drops a table's triggers when a migration rebuilds the table.
        post_migrate.connect(repair_after_migrate, sender=self, dispatch_uid="product_revision")

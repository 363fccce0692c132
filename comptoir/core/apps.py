from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "comptoir.core"
    label = "core"
    verbose_name = "Comptoir"

    def ready(self) -> None:
        from comptoir.core import context_locals

        context_locals.install()

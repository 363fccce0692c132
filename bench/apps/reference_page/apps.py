from django.apps import AppConfig


class ReferencePageConfig(AppConfig):
    name = "bench.apps.reference_page"
    label = "reference_page"
    default_auto_field = "django.db.models.BigAutoField"

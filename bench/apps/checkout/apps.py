from django.apps import AppConfig


class CheckoutBenchConfig(AppConfig):
    name = "bench.apps.checkout"
    label = "checkout_bench"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Deterministic demo data: the city of Rouen, scalable for benchmarks."""

    name = "comptoir.demo"
    label = "demo"
    verbose_name = "Demo data"

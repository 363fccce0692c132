from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The JSON API: routes, schemas, token auth, problem+json errors, idempotent retries."""

    name = "comptoir.interfaces.api"
    label = "api"
    verbose_name = _("JSON API")

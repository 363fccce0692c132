from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PushInterfaceConfig(AppConfig):
    """The JSON endpoints behind "Be notified on this phone", and its button."""

    name = "comptoir.interfaces.push"
    label = "push_ui"
    verbose_name = _("Push notifications")

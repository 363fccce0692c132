from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The live order desk: a shop's orders arriving, and one tap per step."""

    name = "comptoir.interfaces.desk"
    label = "desk"
    verbose_name = _("Order desk")

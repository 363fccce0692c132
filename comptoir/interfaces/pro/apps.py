from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProConfig(AppConfig):
    """The shop side's shell: /shop/, the shop picker, access checks and the shared layout.

    The order desk (`interfaces/desk`) and the back office
    (`interfaces/backoffice`) hang under it; neither holds business rules.
    """

    name = "comptoir.interfaces.pro"
    label = "pro"
    verbose_name = _("Shop side")

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OperatorConfig(AppConfig):
    """The operator's back office: the Django admin, configured for Comptoir."""

    name = "comptoir.interfaces.operator"
    label = "operator"
    verbose_name = _("Operator back office")


class OperatorAdminConfig(admin_apps.AdminConfig):
    """`django.contrib.admin`, with `OperatorSite` as `admin.site` (listed in INSTALLED_APPS)."""

    # Not this module's default: that stays `OperatorConfig`.
    default = False
    default_site = "comptoir.interfaces.operator.site.OperatorSite"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsInterfaceConfig(AppConfig):
    """Customer account pages: log in (password or e-mailed link), sign up, addresses."""

    name = "comptoir.interfaces.accounts"
    label = "accounts_ui"
    verbose_name = _("Account pages")

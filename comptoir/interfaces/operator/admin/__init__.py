"""The operator back office: Django's admin, one module per domain.

Django autodiscovers this package (the `admin` module of an installed app);
importing the modules below registers every ModelAdmin on `admin.site`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from comptoir.interfaces.operator.admin import (
    accounts,
    catalogue,
    cities,
    fulfilment,
    orders,
    shops,
)

admin.site.site_header = _("Comptoir — operator")
admin.site.site_title = _("Comptoir operator")
admin.site.index_title = _("Back office")

__all__ = ["accounts", "catalogue", "cities", "fulfilment", "orders", "shops"]

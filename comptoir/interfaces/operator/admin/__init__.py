"""The operator back office: Django's admin, one module per domain.

Django autodiscovers this package (the `admin` module of an installed app);
importing the modules below registers every ModelAdmin on `admin.site`, an
`OperatorSite` (`site.py`, made the default by `apps.OperatorAdminConfig`).
"""

from comptoir.interfaces.operator.admin import (
    accounts,
    billing,
    catalogue,
    cities,
    deals,
    fulfilment,
    insights,
    legal,
    notifications,
    onboarding,
    orders,
    shops,
)

__all__ = [
    "accounts",
    "billing",
    "catalogue",
    "cities",
    "deals",
    "fulfilment",
    "insights",
    "legal",
    "notifications",
    "onboarding",
    "orders",
    "shops",
]

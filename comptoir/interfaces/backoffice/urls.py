"""The back office under /shop/<city>/<shop>/: the catalogue, and the shop itself."""

from django.urls import include, path

app_name = "backoffice"

urlpatterns = [
    # Products, stock, photos, CSV import/export.
    path("", include("comptoir.interfaces.backoffice.catalogue_urls")),
    # Checklist, settings, hours, closures, staff, sales.
    path("", include("comptoir.interfaces.backoffice.shop_urls")),
    # Deals: publish, preview, pause, end, duplicate, figures.
    path("deals/", include("comptoir.interfaces.backoffice.deals_urls")),
    # Comptoir's invoices to the shop: list, HTML, PDF (owners only).
    path("invoices/", include("comptoir.interfaces.backoffice.billing_urls")),
]

"""The shop's invoices under /shop/<city>/<shop>/invoices/ (owners only; issue #8)."""

from django.urls import path

from comptoir.interfaces.backoffice import billing_views as views

urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("<int:pk>/", views.invoice_detail, name="invoice"),
    path("<int:pk>/pdf/", views.invoice_pdf_download, name="invoice_pdf"),
]

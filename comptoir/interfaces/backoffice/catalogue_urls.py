"""Products, stock, "sold out today", CSV import/export (under /shop/<city>/<shop>/)."""

from django.urls import path

from comptoir.interfaces.backoffice import catalogue_import_views as imports
from comptoir.interfaces.backoffice import catalogue_views as views

urlpatterns = [
    path("products/", views.products, name="products"),
    path("products/new/", views.product_new, name="product_new"),
    path("products/vat-hint/", views.product_vat_hint, name="product_vat_hint"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
    path("products/<int:pk>/stock/", views.product_stock, name="product_stock"),
    path("products/<int:pk>/sold-out/", views.product_sold_out, name="product_sold_out"),
    path("products/<int:pk>/on-sale/", views.product_on_sale_again, name="product_on_sale"),
    path("products/export.csv", imports.products_export, name="products_export"),
    path("products/import/", imports.products_import, name="products_import"),
    path(
        "products/import/<int:pk>/",
        imports.products_import_preview,
        name="products_import_preview",
    ),
    path(
        "products/import/<int:pk>/progress/",
        imports.products_import_progress,
        name="products_import_progress",
    ),
]

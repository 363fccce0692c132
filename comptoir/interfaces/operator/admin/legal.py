"""Legal pages: the platform's defaults, each city's own, and each shop's terms of sale.

Plain rows the operator writes (no rule beyond the table's constraints: one
page per city and kind, one default per kind, a text that is not empty).
"""

from __future__ import annotations

from django.contrib import admin

from comptoir.domain.legal.models import LegalPage, ShopTerms
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "city", "updated_at")
    list_filter = ("kind", ("city", admin.EmptyFieldListFilter), "city")
    list_select_related = ("city",)
    search_fields = ("title", "body", "city__name")
    fields = ("city", "kind", "title", "body", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(ShopTerms)
class ShopTermsAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = ("shop", "shop_city", "updated_at")
    list_filter = ("shop__city",)
    list_select_related = ("shop__city",)
    search_fields = ("shop__name", "body")
    autocomplete_fields = ("shop",)
    fields = ("shop", "body", "updated_at")
    readonly_fields = ("updated_at",)

    @admin.display(description=LegalPage._meta.get_field("city").verbose_name)
    def shop_city(self, terms: ShopTerms) -> str:
        return terms.shop.city.name

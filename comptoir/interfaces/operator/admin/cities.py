"""Cities: Comptoir's tenants, opened to customers one at a time."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.domain.cities.models import City


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone", "is_live", "shop_count")
    list_filter = ("is_live",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_live")}),
        (_("Locale"), {"fields": ("time_zone", "currency", "country")}),
        (_("Centre of the map"), {"fields": ("latitude", "longitude")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[City]:
        return super().get_queryset(request).annotate(shop_count=Count("shops"))

    @admin.display(description=_("shops"), ordering="shop_count")
    def shop_count(self, city: City) -> int:
        return city.shop_count  # type: ignore[attr-defined]

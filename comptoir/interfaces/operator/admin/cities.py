"""Cities: Comptoir's tenants, opened to customers one at a time.

The operator adds a city here (not live until ticked), then its shops from the
shops admin; the form checks the slug (unique, not a reserved first URL
segment), the time zone, the ISO currency and country and the coordinates
(model validators and the table's check constraints, shown as form errors).
A city's own legal pages are edited under Legal pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from comptoir.domain.cities.models import City

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CityForm(forms.ModelForm):
    """Codes typed in lower case are accepted; a wrong length gets a plain message."""

    class Meta:
        model = City
        fields = (
            "name",
            "slug",
            "is_live",
            "shops_go_live_automatically",
            "time_zone",
            "currency",
            "country",
            "latitude",
            "longitude",
        )

    def _code(self, name: str, length: int, message: StrOrPromise) -> str:
        value = str(self.cleaned_data.get(name, "")).strip().upper()
        if len(value) != length or not value.isalpha():
            raise forms.ValidationError(message, code="invalid_code")
        return value

    def clean_currency(self) -> str:
        return self._code("currency", 3, _("Enter the three-letter ISO code, e.g. EUR."))

    def clean_country(self) -> str:
        return self._code("country", 2, _("Enter the two-letter ISO code, e.g. FR."))


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    form = CityForm
    list_display = (
        "name",
        "slug",
        "time_zone",
        "is_live",
        "shops_go_live_automatically",
        "shop_count",
    )
    list_filter = ("is_live", "shops_go_live_automatically")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_live", "shops_go_live_automatically")}),
        (_("Locale"), {"fields": ("time_zone", "currency", "country")}),
        (_("Centre of the map"), {"fields": ("latitude", "longitude")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[City]:
        return super().get_queryset(request).annotate(shop_count=Count("shops"))

    @admin.display(description=_("shops"), ordering="shop_count")
    def shop_count(self, city: City) -> int:
        return city.shop_count  # type: ignore[attr-defined]

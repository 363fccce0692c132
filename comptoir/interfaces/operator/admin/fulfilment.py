"""Fulfilment: each shop's delivery settings and postcodes (inlines on the shop page),
and the slot and quota counters, read-only, for support.

The counters are only ever moved by checkout and cancellation (conditional
UPDATEs in `domain/fulfilment/services.py`); an operator editing them by hand
would oversell a slot or a quota, so they are shown, never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from comptoir.domain.fulfilment.models import (
    DailyQuotaUsage,
    DeliveryPostcode,
    DeliverySettings,
    PostcodeArea,
    SlotBooking,
)
from comptoir.domain.fulfilment.services import delivery_postcodes_set, delivery_settings_set
from comptoir.domain.shops.models import Shop


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records shown to the operator as they are: no add, no edit, no delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class DeliverySettingsInline(admin.StackedInline):
    model = DeliverySettings
    extra = 0
    max_num = 1
    # No settings row means the defaults; removing one is saving the defaults.
    can_delete = False
    fields = ("free_above", "slot_minutes", "slot_capacity")


class DeliveryPostcodeInline(admin.TabularInline):
    model = DeliveryPostcode
    extra = 0
    fields = ("postal_code",)


def save_fulfilment_formset(shop: Shop, formset: BaseInlineFormSet[Any, Any, Any]) -> bool:
    """Save a delivery inline through the fulfilment services; False for other inlines.

    `save(commit=False)` writes nothing; it sorts the forms into new, changed
    and deleted objects, which the admin's change message reads.
    """
    if formset.model not in (DeliverySettings, DeliveryPostcode):
        return False
    formset.save(commit=False)
    if formset.model is DeliverySettings:
        for form in formset.forms:
            if form.has_changed():
                delivery_settings_set(
                    shop=shop,
                    free_above=form.cleaned_data["free_above"],
                    slot_minutes=form.cleaned_data["slot_minutes"],
                    slot_capacity=form.cleaned_data["slot_capacity"],
                )
        return True
    kept = [
        form.cleaned_data["postal_code"]
        for form in formset.forms
        if form.cleaned_data
        and form.cleaned_data.get("postal_code")
        and not form.cleaned_data.get("DELETE")
    ]
    delivery_postcodes_set(shop=shop, postal_codes=kept)
    return True


def local_time(value: Any, city: Any) -> str:
    """An instant as the city's clocks show it, in the reader's date format."""
    return formats.date_format(value.astimezone(city.zone), "SHORT_DATETIME_FORMAT")


@admin.register(SlotBooking)
class SlotBookingAdmin(ReadOnlyAdmin):
    list_display = ("shop", "city", "kind", "starts_local", "booked")
    list_filter = ("city", "kind", "starts_at")
    list_select_related = ("shop", "city")
    search_fields = ("shop__name",)
    ordering = ("-starts_at", "shop__name")
    show_full_result_count = False
    fields = ("shop", "city", "kind", "starts_local", "booked")
    readonly_fields = fields

    @admin.display(description=_("starts at (local time)"), ordering="starts_at")
    def starts_local(self, booking: SlotBooking) -> str:
        return local_time(booking.starts_at, booking.city)


@admin.register(DailyQuotaUsage)
class DailyQuotaUsageAdmin(ReadOnlyAdmin):
    list_display = ("product", "shop", "city", "day", "used", "quota")
    list_filter = ("city", "day")
    list_select_related = ("product__shop", "city")
    search_fields = ("product__name", "product__shop__name")
    ordering = ("-day", "product__name")
    show_full_result_count = False
    fields = ("product", "shop", "city", "day", "used", "quota")
    readonly_fields = fields

    @admin.display(description=_("shop"), ordering="product__shop__name")
    def shop(self, usage: DailyQuotaUsage) -> Shop:
        return usage.product.shop

    @admin.display(description=_("daily quota"))
    def quota(self, usage: DailyQuotaUsage) -> int | None:
        return usage.product.daily_quota


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):
    """Postcode centres for the approximate geocoder (docs/fulfilment.md): a city's
    postcodes, kept by the operator when it opens the city."""

    list_display = ("postal_code", "name", "country", "latitude", "longitude")
    list_filter = ("country",)
    search_fields = ("postal_code", "name")
    ordering = ("country", "postal_code")

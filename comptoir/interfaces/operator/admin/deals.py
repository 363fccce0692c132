"""Deals: moderation (hide with a reason the shop sees, show again), vouchers, monthly exports.

A deal belongs to its shop: the operator reads it and never edits it. The
one thing the operator does is moderation, through the deals services
(`deal_hide`, which requires a reason, and `deal_unhide`). The "Exports" page
(a button on the deals list) gives, per shop or for every shop of a city and
per month, the deals and the redemptions as CSV (`comptoir/domain/deals/exports.py`).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.domain.cities.models import City
from comptoir.domain.deals.exports import (
    Month,
    csv_stream,
    deal_month_header,
    deal_month_rows,
    redemption_month_header,
    redemption_month_rows,
)
from comptoir.domain.deals.models import Deal, Voucher
from comptoir.domain.deals.services import deal_hide, deal_unhide
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.operator.admin.fulfilment import ReadOnlyAdmin, local_time

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden by the operator")
    parameter_name = "hidden"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        match self.value():
            case "yes":
                return queryset.filter(hidden_at__isnull=False)
            case "no":
                return queryset.filter(hidden_at__isnull=True)
        return queryset


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the deal is hidden (the shop sees it)"),
        max_length=Deal._meta.get_field("hidden_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "shop",
        "city",
        "state",
        "period",
        "claimed_of_cap",
        "redeemed_count",
        "is_hidden",
    )
    list_filter = ("city", "state", HiddenFilter)
    list_select_related = ("shop", "city")
    search_fields = ("title", "shop__name")
    show_full_result_count = False
    ordering = ("-starts_at", "-pk")
    actions = ("hide_with_reason", "show_again")
    change_list_template = "operator/deals/change_list.html"
    readonly_fields = ("period",)
    fieldsets = (
        (None, {"fields": ("title", "shop", "city", "state", "description", "terms")}),
        (
            _("Offer"),
            {
                "fields": (
                    "kind",
                    "percent",
                    "amount",
                    "free_product",
                    "buy_quantity",
                    "pay_quantity",
                    "whole_shop",
                    "in_store",
                    "online",
                )
            },
        ),
        (
            _("When"),
            {"fields": ("period", "weekdays", "daily_from", "daily_until")},
        ),
        (
            _("Vouchers"),
            {
                "fields": (
                    "total_cap",
                    "per_customer_limit",
                    "claimed_count",
                    "redeemed_count",
                    "view_count",
                )
            },
        ),
        (_("Moderation"), {"fields": ("hidden_at", "hidden_reason")}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deals.change_deal")

    @admin.display(description=_("period (local time)"), ordering="starts_at")
    def period(self, deal: Deal) -> str:
        return f"{local_time(deal.starts_at, deal.city)} → {local_time(deal.ends_at, deal.city)}"

    @admin.display(description=_("claimed / in all"), ordering="claimed_count")
    def claimed_of_cap(self, deal: Deal) -> str:
        return f"{deal.claimed_count} / {'∞' if deal.total_cap is None else deal.total_cap}"

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def is_hidden(self, deal: Deal) -> bool:
        return deal.hidden_at is not None

    @admin.action(description=_("Hide with a reason"), permissions=["moderate"])
    def hide_with_reason(
        self, request: HttpRequest, queryset: QuerySet[Deal]
    ) -> TemplateResponse | None:
        """First a page asking why (required), then hide each selected deal."""
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            now = timezone.now()
            deals = list(queryset.order_by("pk"))
            for deal in deals:
                deal_hide(deal=deal, reason=form.cleaned_data["reason"], now=now)
            self.message_user(
                request,
                ngettext(
                    "%(count)d deal hidden; its shop sees why.",
                    "%(count)d deals hidden; their shops see why.",
                    len(deals),
                )
                % {"count": len(deals)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide deals"),
            "opts": self.model._meta,
            "deals": queryset.select_related("shop"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "operator/deals/hide.html", context, status=400 if form.is_bound else 200
        )

    @admin.action(description=_("Show again"), permissions=["moderate"])
    def show_again(self, request: HttpRequest, queryset: QuerySet[Deal]) -> None:
        deals = list(queryset.filter(hidden_at__isnull=False).order_by("pk"))
        for deal in deals:
            deal_unhide(deal=deal)
        self.message_user(
            request,
            ngettext("%(count)d deal shown again.", "%(count)d deals shown again.", len(deals))
            % {"count": len(deals)},
            messages.SUCCESS,
        )

    # --- Exports ---------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        exports = path(
            "exports/",
            self.admin_site.admin_view(self.exports_view),
            name="deals_deal_exports",
        )
        return [exports, *super().get_urls()]

    def exports_view(self, request: HttpRequest) -> HttpResponseBase:
        """A form (city, shop or all its shops, month, which file); a valid one gets the CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.GET if request.GET else None)
        if form.is_bound and form.is_valid():
            return export_response(**form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deals exports"),
            "opts": self.model._meta,
            "form": form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "operator/deals/exports.html", context, status=400 if form.is_bound else 200
        )


class SafeModelChoiceField(forms.ModelChoiceField):
    """A choice that a number too large for the database (10**30) refuses, instead of a 500."""

    def to_python(self, value: Any) -> Model | None:
        try:
            return super().to_python(value)
        except OverflowError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class ExportForm(forms.Form):
    KINDS = (("deals", _("Deals of the month")), ("redemptions", _("Vouchers redeemed")))

    city = SafeModelChoiceField(queryset=City.objects.order_by("name"), label=_("City"))
    shop = SafeModelChoiceField(
        queryset=Shop.objects.select_related("city").order_by("city__name", "name"),
        required=False,
        empty_label=_("Every shop of the city"),
        label=_("Shop"),
    )
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}),
        help_text=_("Year and month, e.g. 2026-12."),
    )
    kind = forms.ChoiceField(
        label=_("File"), choices=KINDS, initial="deals", widget=forms.RadioSelect
    )

    def clean_month(self) -> Month:
        match = MONTH.fullmatch(self.cleaned_data["month"].strip())
        if match is None or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise ValidationError(_("Give a month as year-month, e.g. 2026-12."), code="month")
        return Month(int(match[1]), int(match[2]))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        city, shop = cleaned.get("city"), cleaned.get("shop")
        if city is not None and shop is not None and shop.city_id != city.pk:
            self.add_error("shop", _("Choose a shop of this city, or every shop."))
        return cleaned


def export_response(
    *, city: City, shop: Shop | None, month: Month, kind: str
) -> StreamingHttpResponse:
    if kind == "redemptions":
        header, rows = (
            redemption_month_header(),
            redemption_month_rows(city=city, month=month, shop=shop),
        )
    else:
        header, rows = deal_month_header(), deal_month_rows(city=city, month=month, shop=shop)
    response = StreamingHttpResponse(
        csv_stream(header, rows), content_type="text/csv; charset=utf-8"
    )
    who = shop.slug if shop is not None else "all"
    response["Content-Disposition"] = f'attachment; filename="{kind}-{city.slug}-{who}-{month}.csv"'
    return response


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "deal",
        "shop",
        "city",
        "customer",
        "claimed_at",
        "redeemed_at",
        "redeemed_via",
        "order",
    )
    list_filter = ("city", "redeemed_via")
    list_select_related = ("deal", "shop", "city", "customer", "order")
    search_fields = ("code", "deal__title", "shop__name")
    show_full_result_count = False
    ordering = ("-claimed_at", "-pk")
    fields = (
        "code",
        "deal",
        "shop",
        "city",
        "customer",
        "number",
        "claimed_at",
        "redeemed_at",
        "redeemed_via",
        "redeemed_by",
        "order",
    )

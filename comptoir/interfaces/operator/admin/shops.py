"""Shops: onboarding, opening hours, closures, staff and catalogue shelves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Prefetch, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from comptoir.core.errors import DomainError
from comptoir.domain.catalogue.models import Category
from comptoir.domain.onboarding.selectors import shops_awaiting_approval
from comptoir.domain.onboarding.services import shop_approve
from comptoir.domain.shops.models import Closure, Membership, OpeningHours, Role, Shop
from comptoir.domain.shops.services import shop_pause, shop_resume
from comptoir.interfaces.operator.admin.fulfilment import (
    DeliveryPostcodeInline,
    DeliverySettingsInline,
    save_fulfilment_formset,
)
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class MembershipInline(SafeAutocomplete, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ("name", "position")


def for_each_shop(queryset: QuerySet[Shop], service: Callable[..., Shop]) -> int:
    """Apply a shop service to every selected shop, in pk order; return how many."""
    shops = list(queryset.order_by("pk"))
    for shop in shops:
        service(shop=shop)
    return len(shops)


class AwaitingApprovalFilter(admin.SimpleListFilter):
    """Shops whose owner asked to go live (onboarding), not approved yet."""

    title = _("awaiting approval")
    parameter_name = "awaiting_approval"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Shop]) -> QuerySet[Shop]:
        if self.value() == "yes":
            return queryset.filter(pk__in=shops_awaiting_approval().values("pk"))
        return queryset


@admin.register(Shop)
class ShopAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = (
        "name",
        "city",
        "trade",
        "locality",
        "is_paused",
        "is_active",
        "product_count",
        "owners",
    )
    list_filter = (
        AwaitingApprovalFilter,
        "city",
        "trade",
        "is_paused",
        "is_active",
        "delivery_enabled",
        "collect_enabled",
    )
    list_select_related = ("city",)
    search_fields = ("name", "street", "postal_code", "email", "phone")
    autocomplete_fields = ("city",)
    prepopulated_fields = {"slug": ("name",)}
    # `approved_at` is set by "Approve and publish" (onboarding), never typed.
    readonly_fields = ("approved_at", "created_at", "updated_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Shop | None = None) -> tuple[str, ...]:
        # A shop never moves city: its products, and later its orders, carry
        # the city too (for sharding). A shop that moves is a new shop.
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "city") if obj is not None else fields

    inlines = (
        OpeningHoursInline,
        ClosureInline,
        MembershipInline,
        CategoryInline,
        DeliverySettingsInline,
        DeliveryPostcodeInline,
    )
    actions = ("pause_orders", "resume_orders", "approve_and_publish")
    fieldsets = (
        (
            _("Identity"),
            {"fields": ("city", "name", "slug", "trade", "tagline", "description", "photo")},
        ),
        (_("Contact"), {"fields": ("phone", "email")}),
        (
            _("Address and coordinates"),
            {"fields": ("street", "postal_code", "locality", "latitude", "longitude")},
        ),
        (
            _("Click & collect"),
            {"fields": ("collect_enabled", "slot_minutes", "slot_capacity", "lead_time_minutes")},
        ),
        (
            _("Delivery"),
            {
                "fields": (
                    "delivery_enabled",
                    "delivery_fee",
                    "delivery_minimum",
                    "delivery_radius_km",
                )
            },
        ),
        (
            _("Status"),
            {"fields": ("is_paused", "is_active", "approved_at", "created_at", "updated_at")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shop]:
        owners = Membership.objects.filter(role=Role.OWNER).select_related("user").order_by("pk")
        return (
            super()
            .get_queryset(request)
            .annotate(product_count=Count("products"))
            .prefetch_related(Prefetch("memberships", queryset=owners, to_attr="owner_memberships"))
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: Any,
        formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        # Delivery settings and postcodes are saved by the fulfilment services.
        if not save_fulfilment_formset(form.instance, formset):
            super().save_formset(request, form, formset, change)

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, shop: Shop) -> int:
        return shop.product_count  # type: ignore[attr-defined]

    @admin.display(description=_("owners"))
    def owners(self, shop: Shop) -> str:
        memberships: list[Membership] = shop.owner_memberships  # type: ignore[attr-defined]
        return ", ".join(m.user.email for m in memberships)

    # Through the shop services, so pausing here does what pausing anywhere does.
    @admin.action(description=_("Pause orders of the selected shops"))
    def pause_orders(self, request: HttpRequest, queryset: QuerySet[Shop]) -> None:
        count = for_each_shop(queryset, shop_pause)
        message = ngettext(
            "Orders paused for %(count)d shop.", "Orders paused for %(count)d shops.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Resume orders of the selected shops"))
    def resume_orders(self, request: HttpRequest, queryset: QuerySet[Shop]) -> None:
        count = for_each_shop(queryset, shop_resume)
        message = ngettext(
            "Orders resumed for %(count)d shop.", "Orders resumed for %(count)d shops.", count
        )
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Approve and publish the selected shops (owners are e-mailed)"))
    def approve_and_publish(self, request: HttpRequest, queryset: QuerySet[Shop]) -> None:
        # Through the onboarding service: checklist done, not suspended, owners told.
        approved = 0
        for shop in queryset.order_by("pk"):
            try:
                shop_approve(shop=shop, now=timezone.now())
            except DomainError as error:
                self.message_user(request, f"{shop.name}: {error}", messages.ERROR)
            else:
                approved += 1
        if approved:
            message = ngettext(
                "%(count)d shop approved and published.",
                "%(count)d shops approved and published.",
                approved,
            )
            self.message_user(request, message % {"count": approved}, messages.SUCCESS)

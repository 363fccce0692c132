"""Catalogues: shelves (categories) and products, across every shop of every city."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from comptoir.core.money import format_money
from comptoir.domain.catalogue.allergens import Allergen, AllergenSetField
from comptoir.domain.catalogue.models import Category, Product
from comptoir.interfaces.operator.admin.widgets import SafeAutocomplete

LOW_STOCK = 5
THUMBNAIL_SIZE = 48
PREVIEW_SIZE = 240


class StockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("sold_out", _("Sold out")),
            ("low", _("Low (1 to %(count)d left)") % {"count": LOW_STOCK}),
            ("unlimited", _("Unlimited")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        match self.value():
            case "sold_out":
                return queryset.filter(stock=0)
            case "low":
                return queryset.filter(stock__gte=1, stock__lte=LOW_STOCK)
            case "unlimited":
                return queryset.filter(stock__isnull=True)
        return queryset


@admin.register(Category)
class CategoryAdmin(SafeAutocomplete, admin.ModelAdmin):
    list_display = ("name", "shop", "position", "product_count")
    list_select_related = ("shop",)
    list_filter = ("shop__city",)
    # Searching by shop name too, so that the product form's autocomplete finds
    # "Pains" of the right bakery when several shops have a shelf of that name.
    search_fields = ("name", "shop__name")
    autocomplete_fields = ("shop",)
    ordering = ("shop__name", "position", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Category]:
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description=_("products"), ordering="product_count")
    def product_count(self, category: Category) -> int:
        return category.product_count  # type: ignore[attr-defined]


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        # Not the city: it follows the shop (see ProductAdmin.save_model).
        fields = (
            "shop",
            "category",
            "name",
            "slug",
            "description",
            "price",
            "vat_rate",
            "unit",
            "stock",
            "is_active",
            "position",
            "lead_time_minutes",
            "daily_quota",
            "preorder_on",
            "photo",
            "allergens",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shop, category = cleaned.get("shop"), cleaned.get("category")
        if shop is not None and category is not None and category.shop_id != shop.pk:
            self.add_error("category", _("Choose a category of this shop."))
        return cleaned


@admin.register(Product)
class ProductAdmin(SafeAutocomplete, admin.ModelAdmin):
    form = ProductAdminForm
    list_display = (
        "thumbnail",
        "name",
        "shop",
        "category",
        "price_label",
        "vat_rate",
        "unit",
        "stock_label",
        "allergen_list",
        "is_active",
    )
    list_display_links = ("thumbnail", "name")
    list_editable = ("is_active",)
    list_filter = (
        "shop__city",
        "shop__trade",
        "vat_rate",
        "unit",
        "is_active",
        StockFilter,
    )
    list_select_related = ("shop", "category", "city")
    search_fields = ("name", "shop__name")
    autocomplete_fields = ("shop", "category")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("photo_preview", "created_at", "updated_at")
    ordering = ("shop__name", "position", "name")
    # Counting 100 000 rows on every page is slow and tells the operator nothing.
    show_full_result_count = False
    formfield_overrides = {
        # Admin maps integer columns to a text box; allergens are 14 checkboxes.
        AllergenSetField: {"widget": forms.CheckboxSelectMultiple},
    }
    fieldsets = (
        (None, {"fields": ("shop", "category", "name", "slug", "description")}),
        (_("Price"), {"fields": ("price", "vat_rate", "unit")}),
        (_("Stock and display"), {"fields": ("stock", "is_active", "position")}),
        (_("Fulfilment"), {"fields": ("lead_time_minutes", "daily_quota", "preorder_on")}),
        (_("Photo"), {"fields": ("photo", "photo_preview")}),
        (_("Allergens"), {"fields": ("allergens",)}),
        (_("History"), {"fields": ("created_at", "updated_at")}),
    )

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        # The city is copied from the shop; a catalogue service (product_create /
        # product_update) will take this over, and the admin will call it.
        obj.city_id = obj.shop.city_id
        super().save_model(request, obj, form, change)

    @admin.display(description=_("price"), ordering="price")
    def price_label(self, product: Product) -> str:
        return format_money(product.price, product.city.currency)

    @admin.display(description=_("stock"), ordering="stock")
    def stock_label(self, product: Product) -> SafeString | int:
        if product.stock is None:
            return format_html('<span title="{}">∞</span>', _("unlimited"))
        if product.is_sold_out:
            return format_html('<strong class="sold-out">{}</strong>', _("sold out"))
        return product.stock

    @admin.display(description=_("allergens"))
    def allergen_list(self, product: Product) -> str | None:
        return (
            ", ".join(str(allergen.label) for allergen in Allergen(product.allergens).members())
            or None
        )

    @admin.display(description=_("photo"))
    def thumbnail(self, product: Product) -> SafeString | None:
        if not product.photo:
            return None
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}" class="thumbnail">',
            product.photo.url,
            THUMBNAIL_SIZE,
            THUMBNAIL_SIZE,
        )

    @admin.display(description=_("current photo"))
    def photo_preview(self, product: Product) -> SafeString | None:
        if not product.photo:
            return None
        return format_html(
            '<img src="{}" alt="" width="{}" class="photo-preview">',
            product.photo.url,
            PREVIEW_SIZE,
        )

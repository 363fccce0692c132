"""Orders, checkouts and baskets: records the operator reads to help customers and shops.

Nothing here is editable. An order is a business record: its lines and money
were fixed at checkout and its state only moves through the transition
services (with an event saying who and why), so the admin shows it and never
writes it. Orders are never deleted either.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from comptoir.core.money import format_money
from comptoir.domain.orders.models import (
    Basket,
    BasketLine,
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
)
from comptoir.domain.orders.selectors import order_totals
from comptoir.interfaces.operator.admin.fulfilment import ReadOnlyAdmin, ReadOnlyInline, local_time


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product_name", "unit", "unit_price_label", "vat_rate", "quantity", "total_label")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderLine]:
        return super().get_queryset(request).select_related("city")

    @admin.display(description=_("unit price incl. VAT"))
    def unit_price_label(self, line: OrderLine) -> str:
        return format_money(line.unit_price, line.city.currency)

    @admin.display(description=_("line total incl. VAT"))
    def total_label(self, line: OrderLine) -> str:
        return format_money(line.line_total, line.city.currency)


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("at", "from_state", "to_state", "actor", "reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderEvent]:
        return super().get_queryset(request).select_related("actor")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "shop",
        "city",
        "customer_contact",
        "state",
        "fulfilment",
        "slot",
        "total_label",
        "placed_at",
    )
    list_filter = (
        "city",
        "shop__trade",
        "state",
        "fulfilment",
        "payment_state",
        "placed_at",
    )
    list_select_related = ("shop", "city", "customer")
    search_fields = (
        "number",
        "pickup_code",
        "contact_name",
        "contact_email",
        "contact_phone",
        "shop__name",
    )
    # Counting every order of every city on each page is slow and tells nothing.
    show_full_result_count = False
    inlines = (OrderLineInline, OrderEventInline)
    fieldsets = (
        (None, {"fields": ("number", "pickup_code", "state", "shop", "city", "checkout")}),
        (
            _("Customer"),
            {"fields": ("customer", "contact_name", "contact_email", "contact_phone")},
        ),
        (
            _("Fulfilment"),
            {
                "fields": (
                    "fulfilment",
                    "slot",
                    "delivery_recipient",
                    "delivery_line1",
                    "delivery_line2",
                    "delivery_postal_code",
                    "delivery_locality",
                    "delivery_instructions",
                )
            },
        ),
        (
            _("Money"),
            {
                "fields": (
                    "subtotal_label",
                    "discount_label",
                    "delivery_fee_label",
                    "total_label",
                    "vat_breakdown",
                    "payment_method",
                    "payment_state",
                )
            },
        ),
        (_("History"), {"fields": ("placed_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).select_related("shop", "city", "customer", "checkout")

    @admin.display(description=_("customer"), ordering="contact_name")
    def customer_contact(self, order: Order) -> SafeString:
        return format_html(
            "{}<br>{} · {}", order.contact_name, order.contact_email, order.contact_phone
        )

    @admin.display(description=_("slot (local time)"), ordering="slot_starts_at")
    def slot(self, order: Order) -> str:
        ends = order.slot_ends_at.astimezone(order.city.zone)
        return f"{local_time(order.slot_starts_at, order.city)}–{ends:%H:%M}"

    @admin.display(description=_("total incl. VAT"), ordering="total")
    def total_label(self, order: Order) -> str:
        return format_money(order.total, order.city.currency)

    @admin.display(description=_("subtotal incl. VAT"))
    def subtotal_label(self, order: Order) -> str:
        return format_money(order.subtotal, order.city.currency)

    @admin.display(description=_("discount incl. VAT"))
    def discount_label(self, order: Order) -> str:
        if not order.discount:
            return "—"
        amount = format_money(order.discount, order.city.currency)
        return f"\N{MINUS SIGN}{amount} ({order.voucher_code})"

    @admin.display(description=_("delivery fee incl. VAT"))
    def delivery_fee_label(self, order: Order) -> str:
        return format_money(order.delivery_fee, order.city.currency)

    @admin.display(description=_("VAT"))
    def vat_breakdown(self, order: Order) -> SafeString:
        totals = order_totals(order, order.lines.all())
        currency = order.city.currency
        return format_html_join(
            "",
            "<div>{}</div>",
            (
                (
                    _("%(rate)s %%: %(vat)s of VAT on %(gross)s")
                    % {
                        "rate": formats.localize(group.rate.normalize()),
                        "vat": format_money(group.vat, currency),
                        "gross": format_money(group.gross, currency),
                    },
                )
                for group in totals.vat
            ),
        )


class CheckoutOrderInline(ReadOnlyInline):
    model = Order
    fields = ("number", "shop", "state", "fulfilment", "total")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).select_related("shop")


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "city",
        "contact_name",
        "contact_email",
        "contact_phone",
        "order_count",
        "created_at",
    )
    list_filter = ("city", "created_at")
    list_select_related = ("city",)
    search_fields = ("token", "contact_name", "contact_email", "contact_phone", "orders__number")
    show_full_result_count = False
    fields = (
        "city",
        "customer",
        "contact_name",
        "contact_email",
        "contact_phone",
        "token",
        "created_at",
    )
    inlines = (CheckoutOrderInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Checkout]:
        return super().get_queryset(request).annotate(order_count=Count("orders"))

    @admin.display(description=_("orders"), ordering="order_count")
    def order_count(self, checkout: Checkout) -> int:
        return checkout.order_count  # type: ignore[attr-defined]


class BasketLineInline(ReadOnlyInline):
    model = BasketLine
    fields = ("product", "shop", "quantity", "added_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[BasketLine]:
        return super().get_queryset(request).select_related("product__shop")

    @admin.display(description=_("shop"))
    def shop(self, line: BasketLine) -> str:
        return line.product.shop.name


@admin.register(Basket)
class BasketAdmin(ReadOnlyAdmin):
    list_display = ("pk", "city", "owner", "line_count", "updated_at")
    list_filter = ("city", "updated_at")
    list_select_related = ("city", "user")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    show_full_result_count = False
    # Not the session key: it is what lets a visitor's browser reach this basket.
    fields = ("city", "user", "created_at", "updated_at")
    inlines = (BasketLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Basket]:
        return super().get_queryset(request).annotate(line_count=Count("lines"))

    @admin.display(description=_("customer"), ordering="user__email")
    def owner(self, basket: Basket) -> str:
        return basket.user.email if basket.user is not None else str(_("visitor"))

    @admin.display(description=_("lines"), ordering="line_count")
    def line_count(self, basket: Basket) -> int:
        return basket.line_count  # type: ignore[attr-defined]

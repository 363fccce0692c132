"""Billing reads: a shop's handed-over sales over a period, a shop's invoices.

A sale counts when its order is handed over (collected or delivered): at the
time of the order event that completed it, not when it was placed, so an
order placed on 31 March for a 1 April pickup is billed with April, and no
order is left out by an invoice issued before its pickup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from comptoir.domain.billing.models import BillingEvent, Invoice
from comptoir.domain.orders.models import Order, OrderEvent
from comptoir.domain.orders.sales import COMPLETED_STATES
from comptoir.domain.shops.models import Shop

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


@dataclass(frozen=True, slots=True)
class Sales:
    orders: int
    gross: Decimal  # what customers paid, VAT and delivery included


def completed_orders(*, starts_at: datetime, ends_at: datetime) -> QuerySet[Order]:
    """Orders handed over within [starts_at, ends_at)."""
    completed_then = OrderEvent.objects.filter(
        order=OuterRef("pk"), to_state__in=COMPLETED_STATES, at__gte=starts_at, at__lt=ends_at
    )
    return Order.objects.filter(Exists(completed_then), state__in=COMPLETED_STATES)


def shop_sales(*, shop: Shop, starts_at: datetime, ends_at: datetime) -> Sales:
    row = (
        completed_orders(starts_at=starts_at, ends_at=ends_at)
        .filter(shop=shop)
        .aggregate(
            orders=Count("pk"), gross=Coalesce(Sum("total"), Value(ZERO), output_field=MONEY)
        )
    )
    return Sales(orders=row["orders"], gross=Decimal(row["gross"]).quantize(Decimal("0.01")))


def sales_per_shop(
    *, shop_ids: list[int], starts_at: datetime, ends_at: datetime
) -> dict[int, Sales]:
    rows = (
        completed_orders(starts_at=starts_at, ends_at=ends_at)
        .filter(shop_id__in=shop_ids)
        .values("shop_id")
        .annotate(orders=Count("pk"), gross=Coalesce(Sum("total"), Value(ZERO), output_field=MONEY))
    )
    return {
        row["shop_id"]: Sales(row["orders"], Decimal(row["gross"]).quantize(Decimal("0.01")))
        for row in rows
    }


def invoices_of_shop(shop: Shop) -> QuerySet[Invoice]:
    return Invoice.objects.filter(shop=shop).order_by("-period", "-pk")


def invoice_of_shop(*, shop: Shop, pk: int) -> Invoice | None:
    return (
        Invoice.objects.filter(shop=shop, pk=pk)
        .select_related("shop__city")
        .prefetch_related("lines")
        .first()
    )


def last_suspension_is_billings(shop: Shop) -> bool:
    """Whether billing suspended the shop (its last suspend/reinstate event is a suspension)."""
    last = (
        BillingEvent.objects.filter(shop=shop, kind__in=("suspended", "reinstated"))
        .order_by("-at", "-pk")
        .values_list("kind", flat=True)
        .first()
    )
    return last == "suspended"

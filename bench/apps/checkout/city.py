"""The checkout benchmark's shops, in a copy of the benchmark city (run in a child process).

`prepare` turns SHOPS shops of the city into shops that take every order of
the run: their own demo opening hours (the page offers the slots a real shop
offers) but no closure, not paused, no auto-accept, pickup slots of 30,000
places, 5 minutes' preparation, click & collect on.
Each gets one product with a stock far above what a run sells, and the first
SCARCE shops one more product with a stock of SCARCE_STOCK that runs out
during a run, so the oversell check means something. Nothing else of the
city changes. `restock` puts the scarce stock back before each run; `audit`
checks, after a run, that no stock is negative and that, for every product
of the run, the quantities ordered since `restock` equal the stock taken
(then restocks for the next run: one child process per run).
"""

from __future__ import annotations

from datetime import time as clock
from typing import Any

PLENTY = 1_000_000


def _products() -> Any:
    from comptoir.domain.catalogue.models import Product

    return Product.objects.filter(reference__startswith="bench-checkout-")


def prepare(*, shops: int, scarce: int, scarce_stock: int = 0) -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Q

    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.cities.models import City
    from comptoir.domain.shops.models import Closure, OpeningHours, Shop

    city = City.objects.get(slug="rouen")
    chosen = list(
        Shop.objects.filter(city=city, is_active=True, products__is_active=True)
        .distinct()
        .order_by("pk")[:shops]
    )
    assert len(chosen) == shops, f"only {len(chosen)} shops to sell from"
    plentiful: list[int] = []
    scarce_ids: list[int] = []
    with transaction.atomic():
        for n, shop in enumerate(chosen):
            Shop.objects.filter(pk=shop.pk).update(
                is_paused=False,
                paused_until=None,
                auto_accept=False,
                collect_enabled=True,
                slot_minutes=60,
                slot_capacity=30000,
                lead_time_minutes=5,
            )
            Closure.objects.filter(shop=shop).delete()
            if not OpeningHours.objects.filter(shop=shop).exists():
                OpeningHours.objects.bulk_create(
                    OpeningHours(shop=shop, weekday=day, opens=clock(8, 0), closes=clock(19, 0))
                    for day in range(7)
                )
            products = list(
                Product.objects.filter(shop=shop, is_active=True).order_by("pk")[
                    : 2 if n < scarce else 1
                ]
            )
            for index, product in enumerate(products):
                Product.objects.filter(pk=product.pk).update(
                    reference=f"bench-checkout-{product.pk}",
                    stock=PLENTY,
                    sold_out_until=None,
                    daily_quota=None,
                    preorder_on=None,
                    lead_time_minutes=None,
                )
                (scarce_ids if index == 1 else plentiful).append(product.pk)
        assert not Product.objects.filter(
            Q(pk__in=plentiful + scarce_ids), Q(stock__isnull=True)
        ).exists()
    return {
        "city": city.slug,
        "plentiful": plentiful,
        "scarce": scarce_ids,
        "before": restock(scarce=scarce_ids, stock=scarce_stock),
    }


def restock(*, scarce: list[int], stock: int) -> dict[str, Any]:
    """Scarce products back to `stock`; the figures `audit` compares with."""
    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.orders.models import Order

    Product.objects.filter(pk__in=scarce).update(stock=stock)
    return {
        "stock": {str(pk): s for pk, s in _products().values_list("pk", "stock")},
        "ordered": _ordered(),
        "orders": Order.objects.count(),
    }


def _ordered() -> dict[str, int]:
    from django.db.models import Sum

    from comptoir.domain.orders.models import OrderLine

    rows = (
        OrderLine.objects.filter(product__reference__startswith="bench-checkout-")
        .values("product_id")
        .annotate(quantity=Sum("quantity"))
    )
    return {str(row["product_id"]): int(row["quantity"]) for row in rows}


def audit(
    *, before: dict[str, Any], window: tuple[float, float], scarce: list[int], stock: int
) -> dict[str, Any]:
    """Oversell check since `restock`, the orders placed inside the measured `window`.

    Then restocks the scarce products for the next run (its figures in "before").
    """
    from datetime import UTC, datetime

    from comptoir.domain.catalogue.models import Product
    from comptoir.domain.orders.models import Order

    left = {str(pk): s for pk, s in _products().values_list("pk", "stock")}
    ordered = _ordered()
    mismatched = []
    for pk, initial in before["stock"].items():
        sold = ordered.get(pk, 0) - before["ordered"].get(pk, 0)
        if initial - left[pk] != sold:
            mismatched.append({"product": pk, "taken": initial - left[pk], "ordered": sold})
    start, end = (datetime.fromtimestamp(t, UTC) for t in window)
    return {
        "negative": Product.objects.filter(stock__lt=0).count(),
        "mismatched": mismatched,
        "sold_out": sum(1 for s in left.values() if s == 0),
        "orders_total": Order.objects.count() - before["orders"],
        "orders_in_window": Order.objects.filter(placed_at__gte=start, placed_at__lt=end).count(),
        "before": restock(scarce=scarce, stock=stock),
    }

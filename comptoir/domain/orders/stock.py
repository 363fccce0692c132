"""Stock moves of orders: guarded decrements at checkout, increments on release.

Decrements are conditional UPDATEs (`… SET stock = stock - n WHERE stock >= n`)
in product pk order, so two checkouts never oversell and never deadlock; the
database's own "stock ≥ 0" constraint is the last guard. Products with no stock
count (made to order, `stock IS NULL`) are never touched.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection
from django.db.models import F

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.errors import OutOfStock, Shortfall, TransactionRequired


def require_atomic() -> None:
    """Refuse to run a lock helper whose guard would end with the statement."""
    if not connection.in_atomic_block:
        raise TransactionRequired("Stock moves must run inside transaction.atomic().")


def stock_decrement(*, quantities: Mapping[Product, int]) -> None:
    """Take `quantities` out of stock, all or nothing; `OutOfStock` names every shortfall.

    Runs every UPDATE before deciding, so the error lists all the products
    short, then raises: the caller's transaction rolls the successful
    decrements back.
    """
    require_atomic()
    shortfalls: list[Shortfall] = []
    for product in sorted(quantities, key=lambda p: p.pk):
        wanted = quantities[product]
        taken = Product.objects.filter(pk=product.pk, stock__gte=wanted).update(
            stock=F("stock") - wanted
        )
        if taken:
            continue
        row = Product.objects.filter(pk=product.pk).values_list("stock", flat=True).first()
        if row is None and Product.objects.filter(pk=product.pk).exists():
            continue  # made to order: never runs out
        shortfalls.append(
            Shortfall(
                product_id=product.pk, product=product.name, wanted=wanted, available=row or 0
            )
        )
    if shortfalls:
        raise OutOfStock(shortfalls)


def stock_release(*, quantities: Mapping[int, int]) -> None:
    """Put quantities (by product id) back on the shelf; made-to-order products stay NULL."""
    require_atomic()
    for product_id in sorted(quantities):
        Product.objects.filter(pk=product_id, stock__isnull=False).update(
            stock=F("stock") + quantities[product_id]
        )

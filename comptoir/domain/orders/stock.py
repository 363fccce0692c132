"""Stock moves of orders: guarded decrements at checkout, increments on release.

Decrements are conditional UPDATEs (`… SET stock = stock - n WHERE stock >= n`)
in product pk order, so two checkouts never oversell and never deadlock; the
database's own "stock ≥ 0" constraint is the last guard. Products with no stock
count (made to order, `stock IS NULL`) are never touched.

The decrement runs at every checkout, once per product: its statement is
written once per process (the ORM compiled the filtered UPDATE afresh,
~0.4 ms of Python a product, for a statement of ~0.05 ms).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache

from django.db import connection
from django.db.models import F
from django.utils import timezone

from comptoir.core.lean_reads import Names
from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.errors import OutOfStock, Shortfall, TransactionRequired


def require_atomic() -> None:
    """Refuse to run a lock helper whose guard would end with the statement."""
    if not connection.in_atomic_block:
        raise TransactionRequired("Stock moves must run inside transaction.atomic().")


def stock_decrement(*, quantities: Mapping[Product, int], now: datetime | None = None) -> None:
    """Take `quantities` out of stock, all or nothing; `OutOfStock` names every shortfall.

    Runs every UPDATE before deciding, so the error lists all the products
    short, then raises: the caller's transaction rolls the successful
    decrements back. A product marked "sold out today" (`sold_out_until` after
    `now`) is short of everything, counted or made to order.
    """
    require_atomic()
    now = now or timezone.now()
    statement = _decrement_sql(connection.alias)
    at = Product._meta.get_field("sold_out_until").get_db_prep_value(now, connection)
    shortfalls: list[Shortfall] = []
    for product in sorted(quantities, key=lambda p: p.pk):
        wanted = quantities[product]
        with connection.cursor() as cursor:
            cursor.execute(statement, [wanted, product.pk, wanted, at])
            if cursor.rowcount:
                continue
        row = Product.objects.filter(pk=product.pk).values_list("stock", "sold_out_until").first()
        sold_out_today = row is not None and row[1] is not None and row[1] > now
        if row is not None and row[0] is None and not sold_out_today:
            continue  # made to order: never runs out
        available = 0 if row is None or sold_out_today else (row[0] or 0)
        shortfalls.append(
            Shortfall(
                product_id=product.pk, product=product.name, wanted=wanted, available=available
            )
        )
    if shortfalls:
        raise OutOfStock(shortfalls)


@cache
def _decrement_sql(alias: str) -> str:
    """Take %s from product %s if it has at least %s and is not sold out at %s (a time)."""
    names = Names(alias)
    stock, until = names.column(Product, "stock"), names.column(Product, "sold_out_until")
    return (
        f"UPDATE {names.table(Product)} SET {stock} = {stock} - %s "  # noqa: S608 (names)
        f"WHERE {names.column(Product, 'id')} = %s AND {stock} >= %s "
        f"AND ({until} IS NULL OR {until} <= %s)"
    )


def stock_release(*, quantities: Mapping[int, int]) -> None:
    """Put quantities (by product id) back on the shelf; made-to-order products stay NULL."""
    require_atomic()
    for product_id in sorted(quantities):
        Product.objects.filter(pk=product_id, stock__isnull=False).update(
            stock=F("stock") + quantities[product_id]
        )

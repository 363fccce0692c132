"""Orders written straight to the database, for figures (sales, home): no checkout rules.

Each order gets its own checkout, a unique number and pickup code, and
optionally lines `(name, quantity, unit_price)` whose totals make its subtotal.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from comptoir.domain.orders.models import Checkout, Fulfilment, Order, OrderLine, OrderState
from comptoir.domain.shops.models import Shop

_seq = itertools.count(1)


def make_order(
    shop: Shop,
    *,
    placed_at: datetime,
    state: str = OrderState.COLLECTED,
    total: Decimal | None = None,
    lines: list[tuple[str, int, Decimal]] | None = None,
) -> Order:
    n = next(_seq)
    lines = lines or []
    subtotal = sum((unit * qty for _, qty, unit in lines), Decimal("0.00"))
    if total is None:
        total = subtotal
    elif not lines:
        subtotal = total
    checkout = Checkout.objects.create(
        city_id=shop.city_id,
        token=f"sales-{n}",
        contact_name="Camille Martin",
        contact_email="camille@example.fr",
        contact_phone="0612345678",
        created_at=placed_at,
    )
    order = Order.objects.create(
        city_id=shop.city_id,
        shop=shop,
        checkout=checkout,
        contact_name="Camille Martin",
        contact_email="camille@example.fr",
        contact_phone="0612345678",
        number=f"S{n:07d}",
        pickup_code=f"{n:06d}"[-6:].replace("0", "A"),
        state=state,
        fulfilment=Fulfilment.COLLECT,
        slot_starts_at=placed_at + timedelta(hours=1),
        slot_ends_at=placed_at + timedelta(hours=1, minutes=15),
        subtotal=subtotal,
        delivery_fee=Decimal("0.00"),
        total=total,
        placed_at=placed_at,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            city_id=shop.city_id,
            order=order,
            product_name=name,
            unit="piece",
            unit_price=unit,
            vat_rate=Decimal("5.50"),
            quantity=qty,
            line_total=unit * qty,
        )
        for name, qty, unit in lines
    )
    return order

"""Small factories: each builds one valid object; keyword arguments override fields."""

from __future__ import annotations

import itertools
from datetime import time
from decimal import Decimal
from typing import Any

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.cities.models import City
from comptoir.domain.orders.models import Order
from comptoir.domain.shops.models import Membership, OpeningHours, Role, Shop, Trade

_seq = itertools.count(1)


def make_city(**fields: Any) -> City:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "name": f"Ville {n}",
        "slug": f"ville-{n}",
        "latitude": Decimal("49.443232"),
        "longitude": Decimal("1.099971"),
        "is_live": True,
    }
    return City.objects.create(**(defaults | fields))


def make_user(**fields: Any) -> User:
    n = next(_seq)
    password = fields.pop("password", "un-mot-de-passe-solide")
    defaults: dict[str, Any] = {"email": f"client{n}@example.fr", "first_name": "Camille"}
    return User.objects.create_user(password=password, **(defaults | fields))


def make_shop(city: City | None = None, **fields: Any) -> Shop:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "name": f"Boulangerie {n}",
        "slug": f"boulangerie-{n}",
        "trade": Trade.BAKERY,
        "street": f"{n} rue du Gros-Horloge",
        "postal_code": "76000",
        "locality": "Rouen",
        "latitude": Decimal("49.440800"),
        "longitude": Decimal("1.092100"),
    }
    return Shop.objects.create(city=city or make_city(), **(defaults | fields))


def make_opening_hours(shop: Shop, weekday: int, opens: str, closes: str) -> OpeningHours:
    return OpeningHours.objects.create(
        shop=shop,
        weekday=weekday,
        opens=time.fromisoformat(opens),
        closes=time.fromisoformat(closes),
    )


def make_category(shop: Shop, **fields: Any) -> Category:
    n = next(_seq)
    return Category.objects.create(shop=shop, **({"name": f"Rayon {n}"} | fields))


def make_product(shop: Shop | None = None, **fields: Any) -> Product:
    n = next(_seq)
    shop = shop or make_shop()
    defaults: dict[str, Any] = {
        "name": f"Baguette tradition {n}",
        "slug": f"baguette-tradition-{n}",
        "price": Decimal("1.30"),
        "vat_rate": Decimal("5.50"),
        "stock": 20,
    }
    return Product.objects.create(shop=shop, city_id=shop.city_id, **(defaults | fields))


def make_membership(shop: Shop, user: User | None = None, role: str = Role.STAFF) -> Membership:
    return Membership.objects.create(shop=shop, user=user or make_user(), role=role)


def make_order(
    shop: Shop,
    *,
    lines: list[tuple[Product, int]] | None = None,
    **fields: Any,
) -> Order:
    """An order written directly (no stock, quota or slot taken): for reads, not for moves.

    `lines` are (product, quantity) at the product's price; the totals follow.
    Needs `slot_starts_at` and `placed_at` unless given; the slot lasts 15 minutes.
    """
    from datetime import UTC, datetime, timedelta

    from comptoir.domain.orders.models import (
        CODE_ALPHABET,
        Checkout,
        Fulfilment,
        OrderEvent,
        OrderLine,
    )

    n = next(_seq)
    code = ""
    rest = n
    for _ in range(6):
        rest, digit = divmod(rest, len(CODE_ALPHABET))
        code += CODE_ALPHABET[digit]
    placed_at = fields.pop("placed_at", datetime(2026, 3, 10, 8, 0, tzinfo=UTC))
    starts = fields.pop("slot_starts_at", placed_at + timedelta(hours=1))
    checkout = Checkout.objects.create(
        city_id=shop.city_id,
        token=f"factory-{n}",
        contact_name=fields.get("contact_name", "Camille Martin"),
        contact_email=fields.get("contact_email", "camille@example.fr"),
        contact_phone="+33612345678",
        created_at=placed_at,
    )
    lines = lines if lines is not None else [(make_product(shop), 1)]
    subtotal = sum((product.price * quantity for product, quantity in lines), Decimal("0.00"))
    defaults: dict[str, Any] = {
        "contact_name": "Camille Martin",
        "contact_email": "camille@example.fr",
        "contact_phone": "+33612345678",
        "number": f"T{n:03d}-{code[:4]}",
        "pickup_code": code,
        "fulfilment": Fulfilment.COLLECT,
        "slot_ends_at": starts + timedelta(minutes=15),
        "subtotal": subtotal,
        "total": subtotal,
    }
    order = Order.objects.create(
        city_id=shop.city_id,
        shop=shop,
        checkout=checkout,
        placed_at=placed_at,
        slot_starts_at=starts,
        **(defaults | fields),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            city_id=shop.city_id,
            order=order,
            product=product,
            product_name=product.name,
            unit=product.unit,
            unit_price=product.price,
            vat_rate=product.vat_rate,
            quantity=quantity,
            line_total=product.price * quantity,
        )
        for product, quantity in lines
    )
    OrderEvent.objects.create(
        city_id=shop.city_id, order=order, from_state="", to_state=order.state, at=placed_at
    )
    return order

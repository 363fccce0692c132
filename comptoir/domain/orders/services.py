"""Writes on baskets, and the order transitions customers start.

Basket writes take no lock: a line is created once (the unique
(basket, product) constraint settles two simultaneous first adds) and then
changed by single UPDATE statements (`quantity = MIN(quantity + n, 99)`), which
the database applies one after the other.

Checkout lives in `checkout.py`; the transition table in `transitions.py`.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Literal, overload

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.orders.errors import (
    BasketOwnerRequired,
    InvalidQuantity,
    OutOfStock,
    ProductInAnotherCity,
    ProductNotOnSale,
    ShopPaused,
    Shortfall,
    SoldOut,
)
from comptoir.domain.orders.holdings import order_release_holdings
from comptoir.domain.orders.live import publish_order_moved
from comptoir.domain.orders.models import MAX_LINE_QUANTITY, Basket, BasketLine, Order, OrderState
from comptoir.domain.orders.notifications import notify_cancelled
from comptoir.domain.orders.selectors import basket_of
from comptoir.domain.orders.transitions import order_transition


@overload
def basket_for(
    *, city: City, user: User | None = ..., session_key: str | None = ..., create: Literal[True]
) -> Basket: ...
@overload
def basket_for(
    *, city: City, user: User | None = ..., session_key: str | None = ..., create: bool = ...
) -> Basket | None: ...
def basket_for(
    *,
    city: City,
    user: User | None = None,
    session_key: str | None = None,
    create: bool = False,
) -> Basket | None:
    """The basket of a customer (or of an anonymous session) in `city`.

    With `create=False` a customer without a basket gets None (pages can show
    an empty basket without writing); with `create=True` it is created, once
    even if two requests ask at the same time.
    """
    if (user is None) == (not session_key):
        raise BasketOwnerRequired
    basket = basket_of(city=city, user=user, session_key=session_key)
    if basket is not None or not create:
        return basket
    owner = {"user": user} if user is not None else {"user": None, "session_key": session_key}
    try:
        with transaction.atomic():
            return Basket.objects.create(city=city, **owner)
    except IntegrityError:
        # Another request created it since the read above.
        return Basket.objects.get(city=city, **owner)


def _check_quantity(quantity: int, *, minimum: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < minimum:
        raise InvalidQuantity(minimum=minimum, maximum=MAX_LINE_QUANTITY)
    return min(quantity, MAX_LINE_QUANTITY)


def _check_on_sale(basket: Basket, product: Product) -> None:
    if product.city_id != basket.city_id:
        raise ProductInAnotherCity(product=product.name)
    shop_published = product.shop.is_active
    if not product.is_active or not shop_published:
        raise ProductNotOnSale(product=product.name)


_ADDED_AT = next(f for f in BasketLine._meta.concrete_fields if f.name == "added_at")


@cache
def _upsert_sql(vendor: str, *, adding: bool) -> str:
    """`_add`'s statement: params city, basket, product, quantity, added_at, cap.

    `adding`: a line already there gets the quantity on top of its own;
    otherwise the quantity replaces its own. Either way it keeps its place.
    """
    q = connection.ops.quote_name
    fields = BasketLine._meta.concrete_fields
    columns = {field.name: q(field.column) for field in fields if field.column}
    table, count = q(BasketLine._meta.db_table), columns["quantity"]
    basket, product = columns["basket"], columns["product"]
    least = "LEAST" if vendor == "postgresql" else "MIN"  # SQLite's MIN of two is LEAST
    quantity = f"{table}.{count} + excluded.{count}" if adding else f"excluded.{count}"
    return (
        f"INSERT INTO {table} ({columns['city']}, {basket}, {product}, {count}, "  # noqa: S608 (the model's names)
        f"{columns['added_at']}) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({basket}, {product}) "
        f"DO UPDATE SET {count} = {least}({quantity}, %s) "
        f"RETURNING {columns['id']}, {count}"
    )


def _add(
    basket: Basket, product: Product, quantity: int, *, adding: bool = True
) -> tuple[int, int]:
    """Add `quantity` of `product`, capped at MAX_LINE_QUANTITY in all: the line's (id, quantity).

    One statement on both databases: an INSERT that, when the basket already
    holds the product (the one-line-per-product constraint), adds to that
    line instead (or, not `adding`, sets its quantity), in the database, so
    two requests adding at once both count. The ORM would need an UPDATE,
    then an INSERT in a savepoint when the UPDATE touched nothing, a second
    UPDATE when a concurrent request inserted first, and a re-read: up to six
    statements, each a round trip on PostgreSQL.
    """
    added_at = _ADDED_AT.get_db_prep_value(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _upsert_sql(connection.vendor, adding=adding),
            [basket.city_id, basket.pk, product.pk, quantity, added_at, MAX_LINE_QUANTITY],
        )
        line_id, total = cursor.fetchone()
    return line_id, total


def _line(basket: Basket, product: Product, pk: int, quantity: int) -> BasketLine:
    """The line `_add` wrote, without reading it back (its `added_at` loads if asked for)."""
    line = BasketLine.from_db(
        connection.alias,
        ["id", "city_id", "basket_id", "product_id", "quantity"],
        [pk, basket.city_id, basket.pk, product.pk, quantity],
    )
    line.basket, line.product = basket, product
    return line


def _check_orderable_now(product: Product, quantity: int) -> None:
    """What a customer cannot add now: a paused shop's product, or more than is left.

    Checked when adding only: changing a quantity in the basket stays free,
    and the basket and checkout pages then say what falls short (checkout
    re-checks everything under its guards).
    """
    if product.shop.orders_paused:
        raise ShopPaused(shops=[product.shop.name])
    if product.is_sold_out_today or product.stock == 0:
        raise SoldOut(product=product.name)
    if product.stock is not None and product.stock < quantity:
        raise OutOfStock(
            [Shortfall(product.pk, product.name, wanted=quantity, available=product.stock)]
        )


def basket_add(*, basket: Basket, product: Product, quantity: int = 1) -> BasketLine:
    """Put `quantity` of a product on sale in the basket (more of it if already there).

    Refused: a product not on sale or of another city, a paused shop's
    (`ShopPaused`), one sold out (`SoldOut`), more than its stock (`OutOfStock`).
    """
    quantity = _check_quantity(quantity, minimum=1)
    _check_on_sale(basket, product)
    _check_orderable_now(product, quantity)
    return _line(basket, product, *_add(basket, product, quantity))


def basket_set_quantity(*, basket: Basket, product: Product, quantity: int) -> BasketLine | None:
    """Set how many of a product the basket holds; 0 removes the line (returns None)."""
    quantity = _check_quantity(quantity, minimum=0)
    if quantity == 0:
        basket_remove(basket=basket, product=product)
        return None
    _check_on_sale(basket, product)
    return _line(basket, product, *_add(basket, product, quantity, adding=False))


def basket_remove(*, basket: Basket, product: Product) -> None:
    """Take a product out of the basket (nothing happens if it is not there)."""
    BasketLine.objects.filter(basket=basket, product=product).delete()


def basket_merge(*, session_basket: Basket, user: User) -> Basket:
    """At log-in, move an anonymous basket into the customer's basket of the same city.

    Quantities of a product in both add up (capped); the anonymous basket is
    deleted. Lines are moved as they are, even of products no longer on sale:
    the basket page shows them as unavailable rather than losing them silently.
    """
    with transaction.atomic():
        basket = basket_for(city=session_basket.city, user=user, create=True)
        for line in BasketLine.objects.filter(basket=session_basket).select_related("product"):
            _add(basket, line.product, line.quantity)
        session_basket.delete()
        Basket.objects.filter(pk=basket.pk).update(updated_at=timezone.now())
    return basket


def basket_refill_from_order(
    *, basket: Basket, order: Order, now: datetime | None = None
) -> list[str]:
    """Put an earlier order's products back in the basket ("order again").

    Each product still on sale is added in the quantity ordered (on top of what
    the basket holds, capped at 99), at today's price. Returns the names of the
    lines that could not be added, in the order's line order: products deleted,
    withdrawn, sold out, of an unpublished shop, of another city than the
    basket's, or whose pre-order day is past.
    """
    now = now or timezone.now()
    unavailable: list[str] = []
    lines = order.lines.select_related("product__shop__city").order_by("pk")
    with transaction.atomic():
        for line in lines:
            product = line.product
            if product is None or product.stock == 0 or _preorder_day_past(product, now):
                unavailable.append(line.product_name)
                continue
            try:
                basket_add(basket=basket, product=product, quantity=line.quantity)
            except (ProductNotOnSale, ProductInAnotherCity):
                unavailable.append(line.product_name)
    return unavailable


def _preorder_day_past(product: Product, now: datetime) -> bool:
    if product.preorder_on is None:
        return False
    return product.preorder_on < now.astimezone(product.shop.city.zone).date()


def order_cancel_by_customer(
    *, order: Order, actor: User | None = None, now: datetime | None = None
) -> Order:
    """The customer calls off an order the shop has not accepted yet.

    Everything the order held goes back: stock (F() increments), the slot, and
    the day's quota (`order_release_holdings`, shared with the shop's refusal).
    Two cancels at once release once: the state change is a conditional
    UPDATE, and only its winner releases anything. After the commit, the desk
    hears of it and the customer gets a confirmation e-mail.
    """
    now = now or timezone.now()
    with transaction.atomic():
        order_transition(
            order=order,
            to_state=OrderState.CANCELLED,
            actor=actor,
            now=now,
            allowed_from=(OrderState.PLACED,),
        )
        order_release_holdings(order=order)
        publish_order_moved(order)
        notify_cancelled(order=order)
    return order

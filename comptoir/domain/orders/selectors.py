"""Reads for the basket page (lines grouped by shop, totals, availability) and order pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from itertools import groupby

from django.db import connection, connections, router
from django.db.models import Prefetch, QuerySet

from comptoir.core.lean_reads import (
    Known,
    Names,
    attach,
    build,
    build_joined,
    select_list,
    select_lists,
)
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.orders.models import (
    Basket,
    BasketLine,
    Checkout,
    Order,
    OrderEvent,
    OrderLine,
)
from comptoir.domain.orders.totals import PricedLine, Totals, compute_totals
from comptoir.domain.shops.models import Shop

ZERO = Decimal("0.00")


class Availability:
    AVAILABLE = "available"
    #: Some left, fewer than the basket holds (`available` says how many).
    FEWER_LEFT = "fewer_left"
    SOLD_OUT = "sold_out"
    #: Withdrawn from sale, the shop unpublished, or its pre-order day is past.
    NOT_ON_SALE = "not_on_sale"


@dataclass(frozen=True, slots=True)
class BasketLineView:
    line: BasketLine
    product: Product
    quantity: int
    line_total: Decimal
    availability: str
    #: How many are left when that limits the line (FEWER_LEFT); None otherwise.
    available: int | None


@dataclass(frozen=True, slots=True)
class ShopBasket:
    shop: Shop
    lines: list[BasketLineView]
    totals: Totals
    #: What is still missing to reach the shop's delivery minimum (0 when reached).
    delivery_missing: Decimal

    @property
    def delivery_minimum(self) -> Decimal:
        return self.shop.delivery_minimum

    @property
    def can_be_ordered(self) -> bool:
        return not self.shop.orders_paused and all(
            line.availability == Availability.AVAILABLE for line in self.lines
        )


@dataclass(frozen=True, slots=True)
class BasketView:
    shops: list[ShopBasket]

    @property
    def subtotal(self) -> Decimal:
        return sum((part.totals.subtotal for part in self.shops), ZERO)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for part in self.shops for line in part.lines)

    @property
    def can_be_ordered(self) -> bool:
        return bool(self.shops) and all(part.can_be_ordered for part in self.shops)


def _availability(product: Product, quantity: int, now: datetime) -> tuple[str, int | None]:
    local_today = now.astimezone(product.shop.city.zone).date()
    if (
        not product.is_active
        or not product.shop.is_active
        or (product.preorder_on is not None and product.preorder_on < local_today)
    ):
        return Availability.NOT_ON_SALE, None
    if product.sold_out_until is not None and product.sold_out_until > now:
        return Availability.SOLD_OUT, None  # "sold out today", set by the shop
    if product.stock is None or product.stock >= quantity:
        return Availability.AVAILABLE, None
    if product.stock == 0:
        return Availability.SOLD_OUT, None
    return Availability.FEWER_LEFT, product.stock


def basket_of(
    *, city: City, user: User | None = None, session_key: str | None = None
) -> Basket | None:
    """The basket of a customer (`user`), or else of an anonymous session, in `city`; or None.

    One statement, written once per process (core/lean_reads.py): every
    basket tap, basket page, checkout page and checkout reads it, and the ORM
    compiled its `get()` each time (~0.25 ms). A customer, and an anonymous
    session, has at most one basket per city (the model's constraints).
    """
    connection = connections[router.db_for_read(Basket)]
    alias = connection.alias
    owner = user.pk if user is not None else session_key
    with connection.cursor() as cursor:
        cursor.execute(_basket_sql(alias, by_user=user is not None), [city.pk, owner])
        row = cursor.fetchone()
    if row is None:
        return None
    basket = build(Basket, alias, row)
    attach(basket, "city", city)
    if user is not None:
        attach(basket, "user", user)
    return basket


@cache
def _basket_sql(alias: str, *, by_user: bool) -> str:
    names = Names(alias)
    column = names.column
    owner = (
        f"b.{column(Basket, 'user')} = %s"
        if by_user
        else f"b.{column(Basket, 'user')} IS NULL AND b.{column(Basket, 'session_key')} = %s"
    )
    # The model's table and column names; values are parameters.
    return (
        f"SELECT {select_list(Basket, alias, 'b')} FROM {names.table(Basket)} b "  # noqa: S608
        f"WHERE b.{column(Basket, 'city')} = %s AND {owner}"
    )


def basket_lines(basket: Basket) -> list[BasketLine]:
    """The basket's lines, each with its product, the product's shop and the shop's city.

    One statement, written once per process (core/lean_reads.py): the basket
    page, the checkout page and the order each read it, and the ORM compiled
    its join of ~90 columns every time (~0.45 ms for an empty basket). A
    shop's (and a city's) row is built once and shared by its lines. In no
    order.
    """
    connection = connections[router.db_for_read(BasketLine)]
    alias = connection.alias
    with connection.cursor() as cursor:
        cursor.execute(_basket_lines_sql(alias), [basket.pk])
        rows = cursor.fetchall()
    known: Known = {}
    lines = []
    for row in rows:
        line, product, shop, city = build_joined(
            alias, row, (BasketLine, Product, Shop, City), known=known
        )
        attach(shop, "city", city)
        attach(product, "shop", shop)
        attach(line, "product", product)
        lines.append(line)
    return lines


@cache
def _basket_lines_sql(alias: str) -> str:
    names = Names(alias)
    table, column = names.table, names.column
    columns = select_lists(alias, (BasketLine, "l"), (Product, "p"), (Shop, "s"), (City, "c"))
    # The models' table and column names; the value is a parameter.
    return (
        f"SELECT {columns} FROM {table(BasketLine)} l "  # noqa: S608
        f"INNER JOIN {table(Product)} p "
        f"ON p.{column(Product, 'id')} = l.{column(BasketLine, 'product')} "
        f"INNER JOIN {table(Shop)} s ON s.{column(Shop, 'id')} = p.{column(Product, 'shop')} "
        f"INNER JOIN {table(City)} c ON c.{column(City, 'id')} = s.{column(Shop, 'city')} "
        f"WHERE l.{column(BasketLine, 'basket')} = %s"
    )


def basket_view(basket: Basket | None, now: datetime) -> BasketView:
    """The basket as its page shows it, in one query: shops by name, lines as added."""
    if basket is None:
        return BasketView(shops=[])
    lines = sorted(
        # Sorted here, not by the database: a basket holds a few lines.
        basket_lines(basket),
        key=lambda line: (line.product.shop.name, line.product.shop_id, line.added_at, line.pk),
    )
    shops = []
    for _, group in groupby(lines, key=lambda line: line.product.shop_id):
        shop_lines = list(group)
        shop = shop_lines[0].product.shop
        totals = compute_totals(
            PricedLine(line.product.price, line.quantity, line.product.vat_rate)
            for line in shop_lines
        )
        views = []
        for line, amount in zip(shop_lines, totals.line_totals, strict=True):
            availability, available = _availability(line.product, line.quantity, now)
            views.append(
                BasketLineView(
                    line=line,
                    product=line.product,
                    quantity=line.quantity,
                    line_total=amount,
                    availability=availability,
                    available=available,
                )
            )
        shops.append(
            ShopBasket(
                shop=shop,
                lines=views,
                totals=totals,
                delivery_missing=max(shop.delivery_minimum - totals.subtotal, ZERO),
            )
        )
    return BasketView(shops=shops)


def order_totals(order: Order, lines: Iterable[OrderLine]) -> Totals:
    """A placed order's totals and VAT from its lines as sold, with their discounts."""
    lines = list(lines)
    return compute_totals(
        lines, delivery_fee=order.delivery_fee, discounts=[line.discount for line in lines]
    )


def customer_orders(user: User) -> QuerySet[Order]:
    """A customer's orders, newest first, with their shop and city (one query)."""
    return (
        Order.objects.filter(customer=user)
        .select_related("shop", "city")
        .order_by("-placed_at", "-pk")
    )


def order_for_customer(user: User, number: str) -> Order | None:
    """One of the customer's orders with its shop, city, lines and events; None if not theirs.

    Three queries: the order (with shop and city), its lines, its events.
    """
    return (
        Order.objects.filter(customer=user, number=number)
        .select_related("shop", "city")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("at", "pk")),
        )
        .first()
    )


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order  # with its checkout, shop and city
    lines: list[OrderLine]


def orders_of_checkout(checkout_id: int) -> list[PlacedOrder]:
    """The checkout's orders by id, each with its checkout, shop, city and lines (by id).

    Two statements, written once per process (core/lean_reads.py), for the
    confirmation e-mail its task worker draws after each checkout: the ORM
    compiled its three querysets of ~150 columns each time (~3 ms of ~12).
    `Checkout.DoesNotExist` if the checkout has no order (every checkout has
    one or more: they are written in one transaction).
    """
    connection = connections[router.db_for_read(Order)]
    alias = connection.alias
    orders_sql, lines_sql = _checkout_orders_sql(alias)
    with connection.cursor() as cursor:
        cursor.execute(orders_sql, [checkout_id])
        order_rows = cursor.fetchall()
        if not order_rows:
            raise Checkout.DoesNotExist(f"No order of checkout {checkout_id}.")
        cursor.execute(lines_sql, [checkout_id])
        line_rows = cursor.fetchall()
    known: Known = {}
    placed: dict[int, PlacedOrder] = {}
    for row in order_rows:
        order, checkout, shop, city = build_joined(
            alias, row, (Order, Checkout, Shop, City), known=known
        )
        attach(shop, "city", city)
        attach(order, "checkout", checkout)
        attach(order, "shop", shop)
        attach(order, "city", city)
        placed[order.pk] = PlacedOrder(order, [])
    for row in line_rows:
        line = build(OrderLine, alias, row)
        part = placed[line.order_id]
        attach(line, "order", part.order)
        part.lines.append(line)
    return list(placed.values())


@cache
def _checkout_orders_sql(alias: str) -> tuple[str, str]:
    names = Names(alias)
    table, column = names.table, names.column
    columns = select_lists(alias, (Order, "o"), (Checkout, "k"), (Shop, "s"), (City, "c"))
    order_id, of_checkout = column(Order, "id"), column(Order, "checkout")
    # The models' table and column names; the value is a parameter.
    orders = (
        f"SELECT {columns} FROM {table(Order)} o "  # noqa: S608
        f"INNER JOIN {table(Checkout)} k ON k.{column(Checkout, 'id')} = o.{of_checkout} "
        f"INNER JOIN {table(Shop)} s ON s.{column(Shop, 'id')} = o.{column(Order, 'shop')} "
        f"INNER JOIN {table(City)} c ON c.{column(City, 'id')} = o.{column(Order, 'city')} "
        f"WHERE o.{of_checkout} = %s ORDER BY o.{order_id}"
    )
    lines = (
        f"SELECT {select_list(OrderLine, alias, 'l')} FROM {table(OrderLine)} l "  # noqa: S608
        f"INNER JOIN {table(Order)} o ON o.{order_id} = l.{column(OrderLine, 'order')} "
        f"WHERE o.{of_checkout} = %s ORDER BY l.{column(OrderLine, 'id')}"
    )
    return orders, lines


def basket_item_count(*, city_id: int, user: User | None, session_key: str | None) -> int:
    """How many items a customer's (or an anonymous session's) basket in a city holds.

    One statement; none for a visitor without a basket session (`session_key`
    None). Every storefront page asks it for the header's badge, cached page
    or not: written as SQL, not built by the ORM (201 → 11 µs on SQLite,
    331 → 81 µs on PostgreSQL in one process; docs/benchmarks.md, "Session 15").
    """
    params: list[int | str]
    if user is not None:
        sql, params = _item_count_sql(anonymous=False), [city_id, user.pk]
    elif session_key:
        sql, params = _item_count_sql(anonymous=True), [city_id, session_key]
    else:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (total,) = cursor.fetchone()
    return int(total or 0)


@cache
def _item_count_sql(*, anonymous: bool) -> str:
    """The statement of `basket_item_count`, from the models' table and column names."""

    names = Names(connection.alias)
    column = names.column
    lines, baskets = names.table(BasketLine), names.table(Basket)
    user = column(Basket, "user")
    owner = (
        f"b.{user} IS NULL AND b.{column(Basket, 'session_key')} = %s"
        if anonymous
        else f"b.{user} = %s"
    )
    # The models' table and column names; values are parameters.
    return (
        f"SELECT SUM(l.{column(BasketLine, 'quantity')}) FROM {lines} l "  # noqa: S608
        f"INNER JOIN {baskets} b ON b.{column(Basket, 'id')} = l.{column(BasketLine, 'basket')} "
        f"WHERE b.{column(Basket, 'city')} = %s AND {owner}"
    )

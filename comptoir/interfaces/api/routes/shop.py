"""The shop's side with a shop token: its orders (the desk's actions), products, pause.

Every route checks the token's membership with the same `shops.access`
permissions as the pages: staff handle orders and stock, owners also prices
and the pause. Another shop's order or product reads as not found (404).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from pydantic import AfterValidator, AwareDatetime, Field

from comptoir.domain.catalogue.errors import NotInShop
from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.selectors import product_of_shop, products_for_backoffice
from comptoir.domain.catalogue.services import (
    product_back_on_sale,
    product_mark_sold_out_today,
    product_set_stock,
    product_update,
)
from comptoir.domain.orders.desk import (
    default_ready_by,
    order_accept,
    order_hand_over,
    order_mark_delivered,
    order_mark_ready,
    order_refuse,
    order_send_out,
)
from comptoir.domain.orders.desk_selectors import order_for_shop, shop_orders
from comptoir.domain.orders.errors import OrderNotFound
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Membership
from comptoir.domain.shops.services import shop_pause, shop_pause_until, shop_resume
from comptoir.interfaces.api import schemas as s
from comptoir.interfaces.api.auth import ShopToken, shop_membership, user_of
from comptoir.interfaces.api.pagination import page_of
from comptoir.interfaces.api.present import clock, local, product_out
from comptoir.interfaces.api.present import order_out as customer_order_out

router = Router(tags=["shop"], auth=ShopToken())

PROBLEMS = {403: s.Problem, 404: s.Problem, 409: s.Problem, 422: s.Problem}


class DeskOrderOut(s.OrderOut):
    contact_name: str
    contact_phone: str
    delivery_address: str | None
    delivery_instructions: str


def order_out(order: Order, now: datetime) -> DeskOrderOut:
    address = None
    if order.fulfilment == "delivery":
        address = ", ".join(
            part
            for part in (
                order.delivery_line1,
                order.delivery_line2,
                f"{order.delivery_postal_code} {order.delivery_locality}",
            )
            if part.strip()
        )
    return DeskOrderOut(
        **customer_order_out(order, now).model_dump(),
        contact_name=order.contact_name,
        contact_phone=str(order.contact_phone or ""),
        delivery_address=address,
        delivery_instructions=order.delivery_instructions,
    )


def _storable(value: datetime) -> datetime:
    # The database keeps UTC: a moment that cannot be expressed in UTC is refused.
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise ValueError(_("This date is out of range.")) from None
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_storable)]


class ShopOut(s.Schema):
    id: int
    slug: str
    city: str
    name: str
    role: str
    orders_paused: bool
    paused_until: datetime | None


def _shop_out(membership: Membership) -> ShopOut:
    shop = membership.shop
    return ShopOut(
        id=shop.pk,
        slug=shop.slug,
        city=shop.city.slug,
        name=shop.name,
        role=membership.role,
        orders_paused=shop.orders_paused,
        paused_until=local(shop.paused_until, shop.city),
    )


@router.get("", response=ShopOut, summary="My shop (the token's)")
def shop_get(request: HttpRequest) -> ShopOut:
    return _shop_out(shop_membership(request, Permission.HANDLE_ORDERS))


class OrderFilters(s.Schema):
    state: OrderState | None = None
    day: date | None = Field(
        default=None,
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description="Slot day, city time (YYYY-MM-DD).",
    )
    cursor: str | None = Field(default=None, max_length=200)
    page_size: int | None = Field(default=None, ge=1, le=100)


@router.get("/orders", response={200: s.Page[DeskOrderOut], **PROBLEMS}, summary="Orders")
def orders(request: HttpRequest, filters: Query[OrderFilters]) -> s.Page[DeskOrderOut]:
    """The shop's orders, newest first; `state=placed` lists those waiting for an answer."""
    membership, now = shop_membership(request, Permission.HANDLE_ORDERS), clock()
    page, cursor = page_of(
        shop_orders(shop=membership.shop, state=filters.state, day=filters.day),
        cursor=filters.cursor,
        page_size=filters.page_size,
    )
    for order in page:
        order.shop = membership.shop
    return s.Page(results=[order_out(order, now) for order in page], next=cursor)


def _order(request: HttpRequest, number: str) -> tuple[Membership, Order]:
    membership = shop_membership(request, Permission.HANDLE_ORDERS)
    if "\x00" in number:  # no order number holds one, and PostgreSQL refuses it in a query
        raise OrderNotFound(number=number[:32].replace("\x00", ""))
    return membership, order_for_shop(shop=membership.shop, number=number[:32])


@router.get("/orders/{number}", response={200: DeskOrderOut, **PROBLEMS}, summary="An order")
def order_get(request: HttpRequest, number: str) -> DeskOrderOut:
    return order_out(_order(request, number)[1], clock())


class AcceptIn(s.Schema):
    ready_by: datetime | None = Field(
        default=None, description="When it will be ready; default: the desk's suggestion."
    )


@router.post("/orders/{number}/accept", response={200: DeskOrderOut, **PROBLEMS}, summary="Accept")
def order_accept_route(request: HttpRequest, number: str, payload: AcceptIn) -> DeskOrderOut:
    membership, order = _order(request, number)
    now = clock()
    order_accept(
        order=order,
        actor=user_of(request),
        ready_by=payload.ready_by or default_ready_by(order, now),
        now=now,
        membership=membership,
    )
    return order_out(_order(request, number)[1], now)


class RefuseIn(s.Schema):
    reason: str = Field(max_length=300, examples=["Plus de pâte, désolé !"])


@router.post("/orders/{number}/refuse", response={200: DeskOrderOut, **PROBLEMS}, summary="Refuse")
def order_refuse_route(request: HttpRequest, number: str, payload: RefuseIn) -> DeskOrderOut:
    membership, order = _order(request, number)
    now = clock()
    order_refuse(
        order=order, actor=user_of(request), reason=payload.reason, now=now, membership=membership
    )
    return order_out(_order(request, number)[1], now)


@router.post("/orders/{number}/ready", response={200: DeskOrderOut, **PROBLEMS}, summary="Ready")
def order_ready_route(request: HttpRequest, number: str) -> DeskOrderOut:
    membership, order = _order(request, number)
    now = clock()
    order_mark_ready(order=order, actor=user_of(request), now=now, membership=membership)
    return order_out(_order(request, number)[1], now)


class HandOverIn(s.Schema):
    pickup_code: str = Field(max_length=32, examples=["K7M2Q9"])


@router.post(
    "/orders/{number}/hand-over",
    response={200: DeskOrderOut, **PROBLEMS},
    summary="Handed over (click & collect)",
)
def order_hand_over_route(request: HttpRequest, number: str, payload: HandOverIn) -> DeskOrderOut:
    """The customer gave the pickup code: the order is collected. A wrong code: 422."""
    membership, order = _order(request, number)
    now = clock()
    order_hand_over(
        order=order,
        actor=user_of(request),
        pickup_code=payload.pickup_code,
        now=now,
        membership=membership,
    )
    return order_out(_order(request, number)[1], now)


@router.post(
    "/orders/{number}/send-out",
    response={200: DeskOrderOut, **PROBLEMS},
    summary="Out for delivery",
)
def order_send_out_route(request: HttpRequest, number: str) -> DeskOrderOut:
    membership, order = _order(request, number)
    now = clock()
    order_send_out(order=order, actor=user_of(request), now=now, membership=membership)
    return order_out(_order(request, number)[1], now)


@router.post(
    "/orders/{number}/delivered", response={200: DeskOrderOut, **PROBLEMS}, summary="Delivered"
)
def order_delivered_route(request: HttpRequest, number: str) -> DeskOrderOut:
    membership, order = _order(request, number)
    now = clock()
    order_mark_delivered(order=order, actor=user_of(request), now=now, membership=membership)
    return order_out(_order(request, number)[1], now)


# --- Products -----------------------------------------------------------------------


@router.get("/products", response={200: list[s.ProductOut], **PROBLEMS}, summary="Products")
def products(request: HttpRequest) -> list[s.ProductOut]:
    """Every product of the shop, on sale or not, in shelf order."""
    membership, now = shop_membership(request, Permission.UPDATE_STOCK), clock()
    shop = membership.shop
    result = []
    for product in products_for_backoffice(shop):
        product.shop = shop
        result.append(product_out(product, now, shop.city.currency))
    return result


def _product(membership: Membership, product_id: int) -> Product:
    product = product_of_shop(membership.shop, product_id)
    if product is None:
        raise NotInShop
    product.shop = membership.shop
    return product


class ProductPatch(s.Schema):
    price: Decimal | None = Field(
        default=None, gt=0, max_digits=8, decimal_places=2, description="Owners only."
    )
    stock: int | None = Field(default=None, ge=0, le=100_000)
    made_to_order: bool = Field(default=False, description="True: stop counting the stock.")
    sold_out_today: bool | None = Field(
        default=None, description="True: sold out until the next opening; False: back on sale."
    )


@router.patch(
    "/products/{int:product_id}", response={200: s.ProductOut, **PROBLEMS}, summary="Update"
)
def product_patch(request: HttpRequest, product_id: int, payload: ProductPatch) -> s.ProductOut:
    """Change the price (owners), the stock or "sold out today" (owners and staff)."""
    membership, now = shop_membership(request, Permission.UPDATE_STOCK), clock()
    product = _product(membership, product_id)
    if payload.price is not None:
        shop_membership(request, Permission.MANAGE_CATALOGUE)
        product = product_update(product=product, price=payload.price)
    if payload.made_to_order:
        product = product_set_stock(product=product, stock=None)
    elif payload.stock is not None:
        product = product_set_stock(product=product, stock=payload.stock)
    if payload.sold_out_today is True:
        product = product_mark_sold_out_today(product=product, now=now, shop=membership.shop)
    elif payload.sold_out_today is False:
        product = product_back_on_sale(product=product, shop=membership.shop)
    return product_out(_product(membership, product_id), now, membership.shop.city.currency)


# --- Pause ----------------------------------------------------------------------------


class PauseIn(s.Schema):
    # Aware only: a time without an offset is ambiguous (and cannot be compared with now).
    until: Moment | None = Field(
        default=None,
        description="Take orders again by itself then (with its UTC offset); none: until resumed.",
    )


@router.post("/pause", response={200: ShopOut, **PROBLEMS}, summary="Pause new orders")
def pause(request: HttpRequest, payload: PauseIn) -> ShopOut:
    membership = shop_membership(request, Permission.MANAGE_SETTINGS)
    if payload.until is None:
        shop_pause(shop=membership.shop)
    else:
        shop_pause_until(shop=membership.shop, until=payload.until, now=clock())
    return _shop_out(membership)


@router.post("/resume", response={200: ShopOut, **PROBLEMS}, summary="Take orders again")
def resume(request: HttpRequest) -> ShopOut:
    membership = shop_membership(request, Permission.MANAGE_SETTINGS)
    shop_resume(shop=membership.shop)
    return _shop_out(membership)

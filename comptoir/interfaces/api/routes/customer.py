"""The customer's side with a customer token: basket, checkout, orders."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import Field

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.online import vouchers_for_basket_view
from comptoir.domain.orders.checkout import (
    Collect,
    Contact,
    Delivery,
    FulfilmentChoice,
    checkout_place,
)
from comptoir.domain.orders.errors import UnknownProduct
from comptoir.domain.orders.models import Basket, Order
from comptoir.domain.orders.selectors import basket_view, customer_orders, order_for_customer
from comptoir.domain.orders.services import (
    basket_add,
    basket_for,
    basket_remove,
    basket_set_quantity,
    order_cancel_by_customer,
)
from comptoir.interfaces.api import schemas as s
from comptoir.interfaces.api.auth import CustomerToken, user_of
from comptoir.interfaces.api.idempotency import idempotent
from comptoir.interfaces.api.pagination import page_of
from comptoir.interfaces.api.present import basket_out, clock, order_out
from comptoir.interfaces.api.routes.catalogue import city_or_404

router = Router(tags=["customer"], auth=CustomerToken())

PROBLEMS = {404: s.Problem, 409: s.Problem, 422: s.Problem}


def _basket(city_slug: str, user: User, *, create: bool) -> tuple[Basket | None, s.BasketOut]:
    city, now = city_or_404(city_slug), clock()
    basket = basket_for(city=city, user=user, create=create)
    view = basket_view(basket, now)
    vouchers = vouchers_for_basket_view(view, customer=user, now=now) if view.shops else {}
    return basket, basket_out(city, view, now, vouchers)


def _product(product_id: int) -> Product:
    product = Product.objects.select_related("shop__city").filter(pk=product_id).first()
    if product is None:
        raise UnknownProduct
    return product


@router.get("/cities/{slug:city}/basket", response=s.BasketOut, summary="My basket")
def basket_get(request: HttpRequest, city: str) -> s.BasketOut:
    """The basket in this city, grouped by shop, with totals and what is still available.
    Each shop's `discount` is what the customer's best voucher of that shop takes off
    (applied by itself at checkout); `vouchers_not_used` says why the others do not apply."""
    return _basket(city, user_of(request), create=False)[1]


@router.post(
    "/cities/{slug:city}/basket/lines",
    response={200: s.BasketOut, **PROBLEMS},
    summary="Add to the basket",
)
def basket_line_add(request: HttpRequest, city: str, payload: s.BasketLineIn) -> s.BasketOut:
    """Add `quantity` of a product (more of it if already there). Refused cleanly when
    sold out (409 `sold_out`), short (409 `out_of_stock`), the shop paused (409 `shop_paused`)."""
    basket, _ = _basket(city, user_of(request), create=True)
    assert basket is not None
    basket_add(basket=basket, product=_product(payload.product_id), quantity=payload.quantity)
    return _basket(city, user_of(request), create=False)[1]


@router.put(
    "/cities/{slug:city}/basket/lines/{int:product_id}",
    response={200: s.BasketOut, **PROBLEMS},
    summary="Set a quantity",
)
def basket_line_set(
    request: HttpRequest, city: str, product_id: int, payload: s.QuantityIn
) -> s.BasketOut:
    """Set how many of the product the basket holds; 0 takes it out."""
    basket, _ = _basket(city, user_of(request), create=True)
    assert basket is not None
    basket_set_quantity(basket=basket, product=_product(product_id), quantity=payload.quantity)
    return _basket(city, user_of(request), create=False)[1]


@router.delete(
    "/cities/{slug:city}/basket/lines/{int:product_id}",
    response={200: s.BasketOut, **PROBLEMS},
    summary="Remove a line",
)
def basket_line_remove(request: HttpRequest, city: str, product_id: int) -> s.BasketOut:
    basket, view = _basket(city, user_of(request), create=False)
    if basket is not None:
        basket_remove(basket=basket, product=_product(product_id))
        view = _basket(city, user_of(request), create=False)[1]
    return view


def _choice(choice: s.ShopChoiceIn) -> FulfilmentChoice:
    if choice.kind == "collect":
        return Collect(slot_starts_at=choice.slot_starts_at)
    address = choice.address or s.DeliveryAddressIn(line1="", postal_code="", locality="")
    return Delivery(
        slot_starts_at=choice.slot_starts_at,
        line1=address.line1,
        line2=address.line2,
        postal_code=address.postal_code,
        locality=address.locality,
        latitude=address.latitude,
        longitude=address.longitude,
        recipient=address.recipient,
        instructions=address.instructions,
    )


@router.post(
    "/cities/{slug:city}/checkout",
    response={201: s.CheckoutOut, 409: s.Problem, 422: s.Problem, 428: s.Problem},
    summary="Place the basket (one order per shop)",
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "maxLength": 255},
                "description": (
                    "A new unique value (a UUID) per checkout attempt, sent again unchanged "
                    "on retries: a retry gets the first answer and orders nothing twice."
                ),
            }
        ]
    },
)
def checkout(request: HttpRequest, city: str, payload: s.CheckoutIn) -> HttpResponse:
    """Place every shop's part of the basket at once, all or nothing. Each shop
    needs a choice: `collect` with a slot, or `delivery` with a slot and an address.
    The customer's best voucher of each shop applies by itself (`discount` on the order).
    Refusals write nothing: 409 `basket_changed` (with `changes`), `out_of_stock`
    (with `shortfalls`), `voucher_changed` (a voucher used or ended meanwhile: see
    `expected_discounts`), `slot_full`, `shop_paused`…; 422 for what to fix."""
    user = user_of(request)
    the_city = city_or_404(city)

    def place(use: str) -> HttpResponse:
        basket = basket_for(city=the_city, user=user, create=True)
        now = clock()
        contact = payload.contact or s.ContactIn(
            name=(user.get_full_name() or user.email)[:150],  # the contact name column
            email=user.email,
            phone=str(user.phone or ""),
        )
        placed = checkout_place(
            basket=basket,
            # The checkout's own idempotency token: this use of the request's key.
            token="api-" + use[:56],
            contact=Contact(name=contact.name, email=contact.email, phone=contact.phone),
            choices={choice.shop_id: _choice(choice) for choice in payload.choices},
            expected=(
                None
                if payload.expected is None
                else {e.product_id: (e.unit_price, e.quantity) for e in payload.expected}
            ),
            now=now,
            customer=user,
            payment_method=payload.payment_method,
            expected_vouchers=(
                None
                if payload.expected_discounts is None
                else {e.shop_id: (e.voucher_code, e.discount) for e in payload.expected_discounts}
            ),
        )
        orders = [
            order_for_customer(user, number)
            for number in placed.orders.order_by("shop__name", "pk").values_list(
                "number", flat=True
            )
        ]
        body = s.CheckoutOut(
            checkout=placed.token, orders=[order_out(o, now) for o in orders if o is not None]
        )
        return HttpResponse(body.model_dump_json(), status=201, content_type="application/json")

    return idempotent(request, user=user, run=place)


class OrderFilters(s.Schema):
    cursor: str | None = Field(default=None, max_length=200)
    page_size: int | None = Field(default=None, ge=1, le=100)


@router.get("/orders", response=s.Page[s.OrderOut], summary="My orders")
def order_list(request: HttpRequest, filters: Query[OrderFilters]) -> s.Page[s.OrderOut]:
    """Every order of the account, in every city and shop, newest first."""
    now = clock()
    orders = customer_orders(user_of(request)).prefetch_related("lines")
    page, cursor = page_of(orders, cursor=filters.cursor, page_size=filters.page_size)
    return s.Page(results=[order_out(order, now) for order in page], next=cursor)


def _my_order(request: HttpRequest, number: str) -> Order:
    # No order number holds a NUL, and PostgreSQL refuses one in a query: not found.
    order = None if "\x00" in number else order_for_customer(user_of(request), number[:32])
    if order is None:
        raise Http404(number)
    return order


@router.get("/orders/{number}", response={200: s.OrderOut, 404: s.Problem}, summary="An order")
def order_get(request: HttpRequest, number: str) -> s.OrderOut:
    return order_out(_my_order(request, number), clock())


@router.post(
    "/orders/{number}/cancel",
    response={200: s.OrderOut, 404: s.Problem, 409: s.Problem},
    summary="Cancel an order not yet accepted",
)
def order_cancel(request: HttpRequest, number: str) -> s.OrderOut:
    order = _my_order(request, number)
    order_cancel_by_customer(order=order, actor=user_of(request), now=clock())
    return order_out(_my_order(request, number), clock())

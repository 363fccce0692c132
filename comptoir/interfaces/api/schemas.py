"""What the API says, as pydantic schemas: the OpenAPI contract is generated from these.

Conventions: money is `{"amount": "3.20", "currency": "EUR"}` (a decimal
string, never a float); times are ISO 8601 with the city's UTC offset
(`2026-11-26T17:30:00+01:00`); lists are `{"results": [...], "next": cursor}`
with an opaque cursor to pass back as `?cursor=`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema as NinjaSchema
from pydantic import Field, field_validator


def _storable_text(value: str) -> bool:
    """Text a database can hold: no NUL character, no lone surrogate (invalid UTF-8)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Schema(NinjaSchema):
    """Every API schema: text a database cannot hold is refused (422), as Django's forms do.

    PostgreSQL cannot store NUL characters and no driver can encode a lone
    surrogate (JSON allows "\\ud800"): either would be a 500 deeper down.
    """

    @field_validator("*", mode="before")
    @classmethod
    def _only_storable_text(cls, value: Any) -> Any:
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        if any(isinstance(text, str) and not _storable_text(text) for text in texts):
            raise ValueError(_("Null characters and invalid characters are not allowed."))
        return value


class Money(Schema):
    amount: str = Field(examples=["3.20"], description="Decimal string, two decimals.")
    currency: str = Field(examples=["EUR"])


def money(amount: Decimal, currency: str = "EUR") -> Money:
    return Money(amount=f"{amount.quantize(Decimal('0.01'))}", currency=currency)


class FieldError(Schema):
    field: str
    message: str


class ProblemChange(Schema):
    """One difference a `basket_changed` refusal lists."""

    product_id: int
    kind: Literal["price", "quantity", "gone", "added"]
    name: str
    old: str | None = Field(default=None, description="Unit price or quantity seen before.")
    new: str | None = Field(default=None, description="Unit price or quantity now.")


class ProblemShortfall(Schema):
    """One product an `out_of_stock` refusal lists."""

    product_id: int
    name: str
    wanted: int
    available: int


class Problem(Schema):
    """RFC 9457 problem details: every 4xx answer has this shape."""

    type: str = Field(examples=["tag:comptoir.fr,2026:problem/out_of_stock"])
    code: str = Field(examples=["out_of_stock"], description="Stable machine-readable code.")
    title: str = Field(examples=["Conflict"])
    status: int = Field(examples=[409])
    detail: str = Field(examples=["Not enough left of: Baguette (2 left)."])
    errors: list[FieldError] = Field(default=[], description="Field errors, when there are any.")
    changes: list[ProblemChange] = Field(default=[], description="Of `basket_changed`.")
    shortfalls: list[ProblemShortfall] = Field(default=[], description="Of `out_of_stock`.")
    retry_at: datetime | None = Field(
        default=None, description="Of throttled log-ins: when trying again may work."
    )


# --- Auth ---------------------------------------------------------------------


class TokenIn(Schema):
    email: str = Field(min_length=1, max_length=254, examples=["client@demo.comptoir.fr"])
    password: str = Field(max_length=4096, examples=["comptoir-demo"])
    otp: str | None = Field(
        default=None,
        max_length=64,
        description="One-time code (or recovery code) for accounts with two-step log-in.",
    )
    shop_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Ask for a shop token (shop endpoints) instead of a customer token.",
    )
    name: str = Field(default="App", max_length=100, examples=["iPhone d'Anne"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    shop_id: int | None
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None


class TokenIssued(TokenOut):
    token: str = Field(description="The secret: shown once. Send it as `Authorization: Bearer …`.")


# --- Cities, shops, products ------------------------------------------------------


class CityOut(Schema):
    slug: str = Field(examples=["rouen"])
    name: str = Field(examples=["Rouen"])
    time_zone: str = Field(examples=["Europe/Paris"])
    currency: str
    latitude: str
    longitude: str


class OpeningRange(Schema):
    opens: str = Field(examples=["07:30"])
    closes: str = Field(examples=["19:30"])


class DayHoursOut(Schema):
    weekday: int = Field(ge=0, le=6, description="0 = Monday.")
    ranges: list[OpeningRange]


class OpeningOut(Schema):
    is_open: bool
    closes_at: datetime | None
    opens_at: datetime | None


class FulfilmentOptions(Schema):
    collect: bool
    delivery: bool
    delivery_fee: Money | None
    delivery_minimum: Money | None
    delivery_radius_km: str | None
    orders_paused: bool


class ShopRef(Schema):
    """A shop named in a basket or an order."""

    id: int
    slug: str
    name: str
    city: str = Field(examples=["rouen"])
    address: str
    phone: str


class ShopSummary(Schema):
    id: int
    slug: str
    name: str
    trade: str = Field(examples=["bakery"])
    trade_label: str = Field(examples=["Boulangerie"])
    tagline: str
    address: str
    latitude: str
    longitude: str
    opening: OpeningOut
    distance_km: float | None = Field(
        default=None, description="From the `near` point, when one was given."
    )


class ShopDetail(ShopSummary):
    description: str
    phone: str
    hours: list[DayHoursOut]
    fulfilment: FulfilmentOptions


class ProductOut(Schema):
    id: int
    shop_id: int
    slug: str
    name: str
    description: str
    category: str | None
    price: Money
    unit: str
    vat_rate: str
    available: bool = Field(description="On sale and not sold out right now.")
    stock: int | None = Field(description="Items left; null when the shop does not count.")
    photo_url: str | None


class SearchOut(Schema):
    query: str
    approximate: bool = Field(description="True when the results come from typo tolerance.")
    products: list[ProductOut]
    shops: list[ShopSummary]


class Page[T](Schema):
    results: list[T]
    next: str | None = Field(description="Pass as `cursor` to get the next page; null at the end.")


# --- Basket, slots, checkout --------------------------------------------------------


class BasketLineIn(Schema):
    product_id: int = Field(ge=1, le=2**31 - 1)
    quantity: int = Field(default=1, ge=1, le=99)


class QuantityIn(Schema):
    quantity: int = Field(ge=0, le=99, description="0 removes the line.")


class BasketLineOut(Schema):
    product: ProductOut
    quantity: int
    line_total: Money
    availability: Literal["available", "fewer_left", "sold_out", "not_on_sale"]
    available: int | None


class VoucherNoteOut(Schema):
    """One of the customer's vouchers of the shop that the order would not use, and why."""

    code: str = Field(examples=["K7QF-3M2X"])
    title: str
    reason: str = Field(description="In the request's language.")


class ShopBasketOut(Schema):
    shop: ShopRef
    lines: list[BasketLineOut]
    subtotal: Money
    discount: Money = Field(
        description="What the customer's best voucher of the shop takes off (applied at checkout)."
    )
    voucher_code: str | None = Field(description="That voucher's code; null without one.")
    vouchers_not_used: list[VoucherNoteOut] = Field(
        description="The customer's other vouchers of the shop, and why they do not apply."
    )
    vat: Money = Field(description="The VAT in what is paid (after the discount).")
    can_be_ordered: bool
    delivery_missing: Money


class BasketOut(Schema):
    city: str
    shops: list[ShopBasketOut]
    subtotal: Money
    item_count: int
    can_be_ordered: bool


class SlotOut(Schema):
    kind: Literal["collect", "delivery"]
    starts_at: datetime
    ends_at: datetime
    remaining: int


class ContactIn(Schema):
    name: str = Field(max_length=150, examples=["Anne Martin"])
    email: str = Field(max_length=254, examples=["anne@example.fr"])
    phone: str = Field(default="", max_length=32, examples=["06 12 34 56 78"])


class DeliveryAddressIn(Schema):
    line1: str = Field(max_length=200)
    line2: str = Field(default="", max_length=200)
    postal_code: str = Field(max_length=10)
    locality: str = Field(max_length=100)
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    recipient: str = Field(default="", max_length=150)
    instructions: str = Field(default="", max_length=300)


class ShopChoiceIn(Schema):
    shop_id: int = Field(ge=1, le=2**31 - 1)
    kind: Literal["collect", "delivery"]
    slot_starts_at: datetime
    address: DeliveryAddressIn | None = Field(default=None, description="Required for delivery.")


class ExpectedLineIn(Schema):
    product_id: int = Field(ge=1, le=2**31 - 1)
    unit_price: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    quantity: int = Field(ge=1, le=99)


class ExpectedDiscountIn(Schema):
    shop_id: int = Field(ge=1, le=2**31 - 1)
    voucher_code: str = Field(min_length=1, max_length=12)
    discount: Decimal = Field(ge=0, max_digits=10, decimal_places=2)


class CheckoutIn(Schema):
    contact: ContactIn | None = Field(
        default=None, description="Defaults to the account's name, e-mail and phone."
    )
    choices: list[ShopChoiceIn] = Field(max_length=50)
    expected: list[ExpectedLineIn] | None = Field(
        default=None,
        max_length=500,
        description=(
            "The lines as the customer saw them: if a price or quantity changed since, "
            "nothing is ordered and the answer (409 basket_changed) lists the changes."
        ),
    )
    expected_discounts: list[ExpectedDiscountIn] | None = Field(
        default=None,
        max_length=50,
        description=(
            "The discounts the customer saw (the basket's `discount` and `voucher_code` per "
            "shop; shops without one are left out). If one changed since (the voucher was "
            "used at the counter, the deal ended…), nothing is ordered (409 voucher_changed). "
            "Null: not checked; the best voucher applies anyway."
        ),
    )
    payment_method: str = Field(default="at_shop", max_length=20)


class OrderLineOut(Schema):
    product_id: int | None
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    discount: Money = Field(description="This line's share of the order's discount.")


class OrderOut(Schema):
    number: str
    shop: ShopRef
    state: str
    state_label: str
    fulfilment: Literal["collect", "delivery"]
    slot_starts_at: datetime
    slot_ends_at: datetime
    ready_by: datetime | None
    pickup_code: str
    subtotal: Money
    discount: Money = Field(
        description="What a voucher took off: total = subtotal - discount + fee."
    )
    voucher_code: str | None = Field(description="The voucher used online; null without one.")
    delivery_fee: Money
    total: Money
    placed_at: datetime
    lines: list[OrderLineOut]


class CheckoutOut(Schema):
    checkout: str = Field(description="The checkout's reference (one per confirmation).")
    orders: list[OrderOut]

"""Placing a basket: one Checkout, one Order per shop, all or nothing.

`checkout_place` runs in ONE transaction, in this order:

1. idempotency: the `Checkout` row (unique token) is inserted first; a request
   with a token already used gets that checkout back, placed once (the
   insert finds it taken: no look before the transaction);
2. the basket is compared with what the customer confirmed (`expected`):
   every changed price, quantity or withdrawn product in one `BasketChanged`;
3. shops: paused ones (`ShopPaused`), a missing or unoffered pickup/delivery
   choice (`FulfilmentChoiceMissing`, `FulfilmentNotOffered`), the payment
   method taken by every shop for its choice (`PaymentMethodUnavailable`; an
   unknown method is refused before the transaction), the delivery quote per
   address (`OutsideDeliveryZone`, `BelowDeliveryMinimum`…);
4. stock: conditional decrements in product pk order, every shortfall in one
   `OutOfStock`;
5. daily quotas (product pk order), then slots (shop pk order);
6. orders with their lines, totals (`totals.py`, with the discount of the
   customer's best voucher for each shop: `deals/online.py`), codes, payment
   method (`unpaid`) and first event, written for all shops at once (one
   INSERT each for orders, lines and events); each voucher used is redeemed
   (`voucher_redeem`, a compare-and-set: a till or another order that used it
   first makes this checkout fail with `VoucherChanged`, as does a discount
   that is no longer the one the customer saw);
7. orders of shops with `auto_accept` are accepted at once (`desk.py`,
   default ready-by, no actor, reason "auto-accept");
8. the basket is emptied; after the commit, one confirmation e-mail goes out
   and each shop's desk hears of its order (event kind "placed").

What the customer does next to pay (nothing for pay-on-collection, an online
payment page later) is asked after the commit: `payments.checkout_payment_start`.

Any refusal rolls the whole transaction back: no order, no stock taken, no
slot held, the basket as it was. Locks are always taken in the same order
(products, quotas, slots) so concurrent checkouts cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import groupby
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.core.fields import normalize_phone
from comptoir.core.inserts import insert_rows, insert_unless_taken
from comptoir.core.money import format_money
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.errors import DealNotAvailable
from comptoir.domain.deals.models import RedeemedVia, Voucher
from comptoir.domain.deals.online import ShopVouchers, vouchers_for_basket
from comptoir.domain.deals.services import voucher_redeem, voucher_used_message
from comptoir.domain.fulfilment.selectors import (
    delivery_quote,
    delivery_settings_of,
)
from comptoir.domain.fulfilment.services import quota_consume, slot_reserve
from comptoir.domain.fulfilment.slots import slot_rules
from comptoir.domain.orders.codes import with_fresh_codes
from comptoir.domain.orders.desk import order_accept_automatically
from comptoir.domain.orders.errors import (
    BasketChange,
    BasketChanged,
    ChangeKind,
    CheckoutTokenReused,
    EmptyBasket,
    FulfilmentChoiceMissing,
    FulfilmentNotOffered,
    InvalidContact,
    ShopPaused,
    VoucherChange,
    VoucherChanged,
)
from comptoir.domain.orders.live import publish_order_placed
from comptoir.domain.orders.models import (
    Basket,
    BasketLine,
    Checkout,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    OrderState,
    PaymentMethod,
)
from comptoir.domain.orders.notifications import notify_placed
from comptoir.domain.orders.payments import payment_method_check, payment_provider
from comptoir.domain.orders.selectors import basket_lines
from comptoir.domain.orders.stock import stock_decrement
from comptoir.domain.orders.totals import PricedLine, Totals, compute_totals
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.selectors import load_schedules

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    email: str
    phone: str


@dataclass(frozen=True, slots=True)
class Collect:
    """Pick up at the shop in the slot starting at `slot_starts_at` (aware)."""

    kind: ClassVar[str] = Fulfilment.COLLECT
    slot_starts_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """Deliver to this address in the slot starting at `slot_starts_at` (aware)."""

    kind: ClassVar[str] = Fulfilment.DELIVERY
    slot_starts_at: datetime
    line1: str
    postal_code: str
    locality: str
    latitude: Decimal | None
    longitude: Decimal | None
    line2: str = ""
    recipient: str = ""
    instructions: str = ""


type FulfilmentChoice = Collect | Delivery
#: What the customer saw on the confirmation page: product id → (unit price, quantity).
type Expected = Mapping[int, tuple[Decimal, int]]
#: The discounts the customer saw: shop id → (voucher code, discount); no entry: none.
type ExpectedVouchers = Mapping[int, tuple[str, Decimal]]


def _clean_contact(contact: Contact) -> Contact:
    wrong: list[str] = []
    name, email, phone = contact.name.strip(), contact.email.strip(), contact.phone
    if not name:
        wrong.append("name")
    try:
        validate_email(email)
    except ValidationError:
        wrong.append("email")
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        wrong.append("phone")
    if wrong:
        raise InvalidContact(fields=wrong)
    return Contact(name=name, email=email, phone=phone)


def _replayed(token: str, basket: Basket, customer: User | None) -> Checkout | None:
    """The checkout already placed with `token`, if any (a double click, a retry)."""
    try:
        checkout = Checkout.objects.get(token=token)  # unique
    except Checkout.DoesNotExist:
        return None
    customer_id = customer.pk if customer is not None else None
    if checkout.city_id != basket.city_id or checkout.customer_id != customer_id:
        raise CheckoutTokenReused
    return checkout


def _basket_changes(lines: Sequence[BasketLine], expected: Expected | None) -> list[BasketChange]:
    changes: list[BasketChange] = []
    for line in lines:
        product = line.product
        seen = expected.get(product.pk) if expected is not None else None
        if not product.is_active or not product.shop.is_active:
            old_price = seen[0] if seen else product.price
            changes.append(BasketChange(product.pk, product.name, ChangeKind.GONE, old_price, None))
        elif expected is None:
            continue
        elif seen is None:
            changes.append(
                BasketChange(product.pk, product.name, ChangeKind.ADDED, None, line.quantity)
            )
        else:
            price, quantity = seen
            if price != product.price:
                changes.append(
                    BasketChange(product.pk, product.name, ChangeKind.PRICE, price, product.price)
                )
            if quantity != line.quantity:
                changes.append(
                    BasketChange(
                        product.pk, product.name, ChangeKind.QUANTITY, quantity, line.quantity
                    )
                )
    missing = set(expected or ()) - {line.product_id for line in lines}
    if expected is not None and missing:  # an empty `pk__in` sends no SQL, but is still built
        names = dict(Product.objects.filter(pk__in=missing).order_by().values_list("pk", "name"))
        changes += [
            BasketChange(pk, names.get(pk, f"#{pk}"), ChangeKind.GONE, expected[pk][0], None)
            for pk in sorted(missing)
        ]
    return changes


def _check_shops(shops: Sequence[Shop], choices: Mapping[int, FulfilmentChoice]) -> None:
    paused = [shop.name for shop in shops if shop.orders_paused]
    if paused:
        raise ShopPaused(shops=paused)
    missing = [shop.name for shop in shops if shop.pk not in choices]
    if missing:
        raise FulfilmentChoiceMissing(shops=missing)
    not_offered = [
        shop.name
        for shop in shops
        if not (
            shop.collect_enabled if isinstance(choices[shop.pk], Collect) else shop.delivery_enabled
        )
    ]
    if not_offered:
        raise FulfilmentNotOffered(shops=not_offered)


def _voucher_reason(code: str, vouchers: ShopVouchers, customer: User | None) -> str:
    """Why the voucher `code` the customer saw is not applied (any more)."""
    note = next((note for note in vouchers.notes if note.code == code), None)
    if note is not None:
        return note.reason
    voucher = (
        Voucher.objects.select_related("shop", "order").filter(code=code, customer=customer).first()
    )
    if voucher is not None and voucher.redeemed_at is not None:
        return voucher_used_message(voucher)
    return str(DealNotAvailable())


def _voucher_changes(
    shops: Sequence[Shop],
    chosen: Mapping[int, ShopVouchers],
    seen: ExpectedVouchers,
    customer: User | None,
) -> list[VoucherChange]:
    changes = []
    for shop in shops:
        now = chosen[shop.pk]
        code, discount = seen.get(shop.pk, ("", ZERO))
        if (code, discount) == (now.code, now.discount):
            continue
        if code and code != now.code:
            reason = _voucher_reason(code, now, customer)
        else:
            reason = _("now saves %(amount)s.") % {"amount": format_money(now.discount)}
        changes.append(
            VoucherChange(shop.pk, shop.name, code or now.code, discount, now.discount, reason)
        )
    return changes


@dataclass(slots=True)
class _ShopPart:
    shop: Shop
    lines: list[BasketLine]
    choice: FulfilmentChoice
    totals: Totals
    vouchers: ShopVouchers

    @property
    def products(self) -> list[Product]:
        return [line.product for line in self.lines]


def _priced(lines: Sequence[BasketLine]) -> list[PricedLine]:
    return [PricedLine(line.product.price, line.quantity, line.product.vat_rate) for line in lines]


@dataclass(frozen=True, slots=True)
class _VoucherLine:
    product_id: int
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal


def _voucher_lines(lines: Sequence[BasketLine]) -> list[_VoucherLine]:
    return [
        _VoucherLine(line.product_id, line.product.price, line.quantity, line.product.vat_rate)
        for line in lines
    ]


def _slot_ends_at(shop: Shop, choice: FulfilmentChoice) -> datetime:
    delivery = delivery_settings_of(shop) if isinstance(choice, Delivery) else None
    minutes = slot_rules(shop, choice.kind, delivery).minutes
    return choice.slot_starts_at + timedelta(minutes=minutes)


def _new_order(
    part: _ShopPart,
    codes: tuple[str, str],
    *,
    checkout: Checkout,
    customer: User | None,
    payment_method: str,
    now: datetime,
) -> Order:
    shop, choice, totals = part.shop, part.choice, part.totals
    address: dict[str, object] = {}
    if isinstance(choice, Delivery):
        address = {
            "delivery_recipient": choice.recipient.strip() or checkout.contact_name,
            "delivery_line1": choice.line1.strip(),
            "delivery_line2": choice.line2.strip(),
            "delivery_postal_code": choice.postal_code.strip(),
            "delivery_locality": choice.locality.strip(),
            "delivery_instructions": choice.instructions.strip(),
            "delivery_latitude": choice.latitude,
            "delivery_longitude": choice.longitude,
        }
    number, pickup_code = codes
    return Order(
        # The city loaded with the basket: the confirmation reads its zone.
        city=shop.city,
        shop=shop,
        checkout=checkout,
        customer=customer,
        contact_name=checkout.contact_name,
        contact_email=checkout.contact_email,
        contact_phone=checkout.contact_phone,
        number=number,
        pickup_code=pickup_code,
        state=OrderState.PLACED,
        fulfilment=choice.kind,
        slot_starts_at=choice.slot_starts_at,
        slot_ends_at=_slot_ends_at(shop, choice),
        subtotal=totals.subtotal,
        discount=totals.discount,
        voucher_code=part.vouchers.code if totals.discount else "",
        delivery_fee=totals.delivery_fee,
        total=totals.total,
        payment_method=payment_method,
        placed_at=now,
        **address,
    )


def _create_orders(
    parts: Sequence[_ShopPart],
    *,
    checkout: Checkout,
    customer: User | None,
    payment_method: str,
    now: datetime,
) -> list[Order]:
    """One order per part, with its lines and first event: three INSERTs for any number of shops.

    (One order at a time took five statements per shop, with its savepoint.)
    Written by `insert_rows`: the ORM's `bulk_create` compiled each afresh.
    """

    def insert(codes: list[tuple[str, str]]) -> list[Order]:
        return insert_rows(
            [
                _new_order(
                    part,
                    pair,
                    checkout=checkout,
                    customer=customer,
                    payment_method=payment_method,
                    now=now,
                )
                for part, pair in zip(parts, codes, strict=True)
            ]
        )

    orders = with_fresh_codes(len(parts), insert)
    insert_rows(
        [
            OrderLine(
                city_id=part.shop.city_id,
                order=order,
                product=line.product,
                product_name=line.product.name,
                unit=line.product.unit,
                unit_price=line.product.price,
                vat_rate=line.product.vat_rate,
                quantity=line.quantity,
                line_total=amount,
                discount=off,
            )
            for order, part in zip(orders, parts, strict=True)
            for line, amount, off in zip(
                part.lines, part.totals.line_totals, part.totals.line_discounts, strict=True
            )
        ]
    )
    insert_rows(
        [
            OrderEvent(
                city_id=order.city_id,
                order=order,
                from_state="",
                to_state=OrderState.PLACED,
                actor=customer,
                at=now,
            )
            for order in orders
        ]
    )
    return orders


def _keep_orders(checkout: Checkout, orders: list[Order]) -> None:
    """Let `checkout.orders.all()` give `orders` without reading them again.

    As `prefetch_related` keeps them: `checkout_payment_start` asks for the
    orders right after the commit, and these are the rows just written.
    """
    kept = checkout.orders.all()
    kept._result_cache = orders
    kept._prefetch_done = True  # type: ignore[attr-defined]
    checkout._prefetched_objects_cache = {"orders": kept}  # type: ignore[attr-defined]


def _redeem(part: _ShopPart, order: Order, *, customer: User | None, now: datetime) -> None:
    """Use the part's voucher for `order`; another use first (a till, a tab) refuses all."""
    applied = part.vouchers.applied
    if applied is None or not part.totals.discount:
        return
    try:
        voucher_redeem(
            code=applied.code,
            shop=part.shop,
            now=now,
            via=RedeemedVia.ONLINE,
            actor=customer,
            order_id=order.pk,
        )
    except DomainError as error:
        change = VoucherChange(
            part.shop.pk, part.shop.name, applied.code, part.totals.discount, ZERO, str(error)
        )
        raise VoucherChanged([change]) from error


def checkout_place(
    *,
    basket: Basket,
    token: str,
    contact: Contact,
    choices: Mapping[int, FulfilmentChoice],
    expected: Expected | None,
    now: datetime,
    customer: User | None = None,
    payment_method: str = PaymentMethod.AT_SHOP,
    expected_vouchers: ExpectedVouchers | None = None,
) -> Checkout:
    """Place `basket` as one order per shop; see the module docstring for the steps.

    `choices` maps each shop id to its pickup or delivery choice; `expected`
    is what the customer confirmed (None skips the price check, for callers
    that showed no prices); `payment_method` a `PaymentMethod` value with a
    registered provider, stored on every order; `expected_vouchers` the
    discounts the customer saw (None: not checked, the best voucher applies
    anyway; a logged-in customer's only). Returns the checkout (with a
    token already placed: that checkout, unchanged). Once it has returned, the
    caller asks `checkout_payment_start(checkout=…)` what the customer does
    next (a redirect to an online payment page, or nothing).
    """
    token = token.strip()
    if not token:
        raise ValueError("A checkout needs its form's idempotency token.")
    contact = _clean_contact(contact)
    payment = payment_provider(payment_method)
    with transaction.atomic():
        checkout = Checkout(
            city_id=basket.city_id,
            customer=customer,
            token=token,
            contact_name=contact.name,
            contact_email=contact.email,
            contact_phone=contact.phone,
            created_at=now,
        )
        if not insert_unless_taken(checkout, key=["token"]):
            # Placed already: a double click, a retry, or a concurrent request that
            # committed first (PostgreSQL waits for it here). Looked up only then:
            # a first look before the transaction cost every checkout a statement.
            replayed = _replayed(token, basket, customer)
            if replayed is None:  # pragma: no cover - a taken key is a committed row
                raise IntegrityError(f"checkout token {token!r} taken, but no checkout has it")
            return replayed

        # By shop, then product (the lock order); one statement written once per
        # process (orders/selectors.py), in the transaction that holds the lock.
        lines = sorted(
            basket_lines(basket), key=lambda line: (line.product.shop_id, line.product_id)
        )
        if not lines:
            raise EmptyBasket
        changes = _basket_changes(lines, expected)
        if changes:
            raise BasketChanged(changes)

        grouped = [
            (shop_lines[0].product.shop, shop_lines)
            for shop_lines in (
                list(g) for _, g in groupby(lines, key=lambda line: line.product.shop_id)
            )
        ]
        shops = [shop for shop, _ in grouped]
        _check_shops(shops, choices)
        payment_method_check(provider=payment, shops=shops, choices=choices)
        chosen = vouchers_for_basket(
            customer=customer,
            lines_by_shop={shop.pk: _voucher_lines(shop_lines) for shop, shop_lines in grouped},
            now=now,
        )
        if expected_vouchers is not None:
            voucher_changes = _voucher_changes(shops, chosen, expected_vouchers, customer)
            if voucher_changes:
                raise VoucherChanged(voucher_changes)
        parts: list[_ShopPart] = []
        for shop, shop_lines in grouped:
            vouchers = chosen[shop.pk]
            discounts = vouchers.applied.line_discounts if vouchers.applied else None
            choice = choices[shop.pk]
            fee = ZERO
            if isinstance(choice, Delivery):
                subtotal = compute_totals(_priced(shop_lines)).subtotal
                fee = delivery_quote(
                    shop=shop,
                    latitude=choice.latitude,
                    longitude=choice.longitude,
                    postal_code=choice.postal_code,
                    subtotal=subtotal,
                ).fee
            totals = compute_totals(_priced(shop_lines), delivery_fee=fee, discounts=discounts)
            parts.append(_ShopPart(shop, shop_lines, choice, totals, vouchers))

        stock_decrement(quantities={line.product: line.quantity for line in lines}, now=now)
        for line in sorted(lines, key=lambda line: line.product_id):
            if line.product.daily_quota is not None:
                choice = choices[line.product.shop_id]
                day = choice.slot_starts_at.astimezone(line.product.shop.city.zone).date()
                quota_consume(product=line.product, day=day, quantity=line.quantity)
        # Each slot is checked against its shop's hours and closures: read for all at once.
        load_schedules(shops, from_day=now.astimezone(shops[0].city.zone).date())
        for part in parts:
            slot_reserve(
                shop=part.shop,
                kind=part.choice.kind,
                starts_at=part.choice.slot_starts_at,
                products=part.products,
                now=now,
            )

        orders = _create_orders(
            parts, checkout=checkout, customer=customer, payment_method=payment.code, now=now
        )
        _keep_orders(checkout, orders)
        for part, order in zip(parts, orders, strict=True):
            _redeem(part, order, customer=customer, now=now)
        for order in orders:
            if order.shop.auto_accept:
                order_accept_automatically(order=order, now=now)
            publish_order_placed(order)
        BasketLine.objects.filter(basket=basket).delete()
        notify_placed(checkout=checkout)
    return checkout

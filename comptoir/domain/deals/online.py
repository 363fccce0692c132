"""Which of a customer's vouchers an online order uses, and why the others do not apply.

A read, shared by the checkout page (what the summary shows), the JSON API's
preview and `checkout_place` (which computes it again under its transaction
and redeems the chosen voucher). Per shop of the basket, among the customer's
unredeemed vouchers of that shop whose deal allows online use and is usable
now (`rules.check_usable`, in city time): each one's discount is computed by
`orders.totals.offer_discounts` on the shop's lines, and the one saving the
most is applied (a tie: the one whose deal ends soonest). One voucher per
order. A voucher that saves nothing is not applied, and the summary says why.

Guests have no vouchers: their checkout gets none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.models import Deal, DealKind, Voucher
from comptoir.domain.deals.rules import check_usable
from comptoir.domain.orders.selectors import BasketView
from comptoir.domain.orders.totals import Offer, offer_discounts

ZERO = Decimal("0.00")
#: Vouchers of deals that ended longer ago than this are not mentioned any more.
MENTION_ENDED_FOR = timedelta(days=7)


class VoucherLine(Protocol):
    """A basket line as the choice reads it: a product of the shop, priced."""

    @property
    def product_id(self) -> int: ...
    @property
    def unit_price(self) -> Decimal: ...
    @property
    def quantity(self) -> int: ...
    @property
    def vat_rate(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class AppliedVoucher:
    voucher: Voucher
    #: What it takes off each line of the shop, in the lines' order.
    line_discounts: tuple[Decimal, ...]

    @property
    def code(self) -> str:
        return self.voucher.code

    @property
    def deal(self) -> Deal:
        return self.voucher.deal

    @property
    def discount(self) -> Decimal:
        return sum(self.line_discounts, ZERO)


@dataclass(frozen=True, slots=True)
class VoucherNote:
    """A voucher of the shop that this order does not use, and why (in the active language)."""

    code: str
    title: str
    reason: str


@dataclass(slots=True)
class ShopVouchers:
    applied: AppliedVoucher | None = None
    notes: list[VoucherNote] = field(default_factory=list)

    @property
    def discount(self) -> Decimal:
        return self.applied.discount if self.applied is not None else ZERO

    @property
    def code(self) -> str:
        return self.applied.code if self.applied is not None else ""


def offer_of(deal: Deal, free_line: int | None = None) -> Offer:
    return Offer(
        kind=deal.kind,
        percent=deal.percent,
        amount=deal.amount,
        buy=deal.buy_quantity,
        pay=deal.pay_quantity,
        free_line=free_line,
    )


def _product_ids(deal: Deal) -> set[int]:
    return {product.pk for product in deal.products.all()}


def _discounts(deal: Deal, lines: Sequence[VoucherLine]) -> tuple[Decimal, ...]:
    covered = set() if deal.whole_shop else _product_ids(deal)
    eligible = [deal.whole_shop or line.product_id in covered for line in lines]
    free_line = None
    if deal.kind == DealKind.FREE_ITEM:
        free_line = next(
            (i for i, line in enumerate(lines) if line.product_id == deal.free_product_id), None
        )
        if free_line is None:
            return tuple(ZERO for _line in lines)
    return offer_discounts(lines, eligible=eligible, offer=offer_of(deal, free_line))


def _why_nothing(deal: Deal, lines: Sequence[VoucherLine]) -> str:
    """Why a usable voucher saves nothing on these lines."""
    covered = set() if deal.whole_shop else _product_ids(deal)
    eligible = [line for line in lines if deal.whole_shop or line.product_id in covered]
    if deal.kind == DealKind.FREE_ITEM and not any(
        line.product_id == deal.free_product_id for line in lines
    ):
        name = deal.free_product.name if deal.free_product is not None else ""
        return _("add %(product)s to your basket to get it free.") % {"product": name}
    if deal.kind == DealKind.N_FOR_M and eligible:
        return _("it applies from %(n)s of its products in your basket.") % {"n": deal.buy_quantity}
    if deal.kind == DealKind.FREE_ITEM:
        return _("buy one of its other products with it.")
    return _("it does not cover the products in your basket.")


def vouchers_for_basket(
    *,
    customer: User | None,
    lines_by_shop: Mapping[int, Sequence[VoucherLine]],
    now: datetime,
) -> dict[int, ShopVouchers]:
    """Per shop id of `lines_by_shop`: the voucher the order would use, and notes on the others.

    Two queries at most (the vouchers with their deals, the deals' products),
    whatever the number of shops and vouchers.
    """
    result = {shop_id: ShopVouchers() for shop_id in lines_by_shop}
    if customer is None or not lines_by_shop:
        return result
    vouchers = (
        Voucher.objects.filter(
            customer=customer,
            shop_id__in=list(lines_by_shop),
            redeemed_at__isnull=True,
            deal__ends_at__gt=now - MENTION_ENDED_FOR,
        )
        .select_related("deal__city", "deal__free_product")
        .prefetch_related(
            Prefetch("deal__products", queryset=Product.objects.only("pk").order_by())
        )
        .order_by("deal__ends_at", "pk")
    )
    for voucher in vouchers:
        deal, shop = voucher.deal, result[voucher.shop_id]
        lines = lines_by_shop[voucher.shop_id]
        if not deal.online:
            shop.notes.append(_note(voucher, _("it can be used in the shop only.")))
            continue
        try:
            check_usable(deal, now)
        except DomainError as error:
            shop.notes.append(_note(voucher, str(error)))
            continue
        discounts = _discounts(deal, lines)
        candidate = AppliedVoucher(voucher=voucher, line_discounts=discounts)
        if not candidate.discount:
            shop.notes.append(_note(voucher, _why_nothing(deal, lines)))
        elif shop.applied is None or candidate.discount > shop.applied.discount:
            # Vouchers come ending soonest first: an equal saving keeps the earlier one.
            if shop.applied is not None:
                shop.notes.append(_not_best(shop.applied.voucher))
            shop.applied = candidate
        else:
            shop.notes.append(_not_best(voucher))
    return result


@dataclass(frozen=True, slots=True)
class _ViewLine:
    product_id: int
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal


def vouchers_for_basket_view(
    view: BasketView, *, customer: User | None, now: datetime
) -> dict[int, ShopVouchers]:
    """`vouchers_for_basket` for a basket as its pages show it (`basket_view`)."""
    return vouchers_for_basket(
        customer=customer,
        lines_by_shop={
            part.shop.pk: [
                _ViewLine(line.product.pk, line.product.price, line.quantity, line.product.vat_rate)
                for line in part.lines
            ]
            for part in view.shops
        },
        now=now,
    )


def _note(voucher: Voucher, reason: str) -> VoucherNote:
    return VoucherNote(code=voucher.code, title=voucher.deal.title, reason=reason)


def _not_best(voucher: Voucher) -> VoucherNote:
    return _note(voucher, _("one voucher per order: the one saving the most is used."))

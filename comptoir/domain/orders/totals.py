"""The one place where order and basket totals are computed.

Prices are VAT-inclusive, as French labels show them. For each line the total
is unit price x quantity (exact: prices are whole cents). VAT is worked out per
rate group, not per line, so that rounding happens once per rate as on a till
receipt: for a group whose lines add up to `gross`,

    VAT = gross - gross / (1 + rate), rounded half up to the cent
    net = gross - VAT

so gross = net + VAT exactly in every group, and the groups' gross amounts add
up to the total exactly.

Assumption on the delivery fee: it is a separate service charged at the
standard rate (20 %), whatever the goods' rates. (French law would usually
apply the rate of the goods delivered, "l'accessoire suit le principal"; with
mixed rates that needs a pro-rata split. Until an accountant says otherwise,
20 % is the prudent choice: it never under-declares VAT.)

Discounts (a deal's voucher) are computed here too, per line
(`offer_discounts`), and `compute_totals` takes them: VAT is then worked out
on the discounted amounts, a line's discount never exceeds the line, and the
order total never goes below the delivery fee.

Money is `Decimal` only: a float anywhere is a programming error (`TypeError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
#: VAT rate (in %) applied to delivery fees; see the module docstring.
DELIVERY_VAT_RATE = Decimal("20.00")


class Priced(Protocol):
    """Anything with a VAT-inclusive unit price, a quantity and a VAT rate in %."""

    @property
    def unit_price(self) -> Decimal: ...
    @property
    def quantity(self) -> int: ...
    @property
    def vat_rate(self) -> Decimal: ...


@dataclass(frozen=True, slots=True)
class PricedLine:
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal


@dataclass(frozen=True, slots=True)
class VatGroup:
    """The VAT of all amounts charged at one rate (in %)."""

    rate: Decimal
    gross: Decimal
    vat: Decimal
    net: Decimal


@dataclass(frozen=True, slots=True)
class Totals:
    #: Unit price x quantity per line, before any discount.
    line_totals: tuple[Decimal, ...]
    #: The sum of `line_totals` (before any discount).
    subtotal: Decimal
    delivery_fee: Decimal
    #: subtotal - discount + delivery fee.
    total: Decimal
    #: One group per rate, lowest rate first, on discounted amounts; the fee counts at 20 %.
    vat: tuple[VatGroup, ...]
    #: What a voucher takes off each line (zeros without one), and their sum.
    line_discounts: tuple[Decimal, ...] = ()
    discount: Decimal = ZERO

    @property
    def vat_total(self) -> Decimal:
        return sum((group.vat for group in self.vat), ZERO)

    @property
    def net_total(self) -> Decimal:
        return sum((group.net for group in self.vat), ZERO)


def _money(value: object, what: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise TypeError(f"{what} is a Decimal, never a {type(value).__name__}.")
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what} must be a finite amount of zero or more, not {value}.")
    return value


def _quantity(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"A quantity is an int, never a {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"A quantity is at least 1, not {value}.")
    return value


def to_cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(line: Priced) -> Decimal:
    """Unit price x quantity, to the cent."""
    price = _money(line.unit_price, "A unit price")
    return to_cent(price * _quantity(line.quantity))


def vat_of(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT inside a VAT-inclusive `gross` amount charged at `rate` %, to the cent."""
    return to_cent(gross - gross / (1 + rate / HUNDRED))


def compute_totals(
    lines: Iterable[Priced],
    *,
    delivery_fee: Decimal = ZERO,
    discounts: Sequence[Decimal] | None = None,
) -> Totals:
    """Line totals, subtotal, discount, fee, grand total and VAT breakdown of some priced lines.

    `discounts` (from `offer_discounts`) gives what comes off each line; each
    is capped at its line's total, and VAT is computed on what is left.
    """
    fee = to_cent(_money(delivery_fee, "A delivery fee"))
    lines = list(lines)
    offs = list(discounts) if discounts is not None else [ZERO] * len(lines)
    if len(offs) != len(lines):
        raise ValueError("One discount per line, zero where none applies.")
    line_totals: list[Decimal] = []
    line_discounts: list[Decimal] = []
    gross_by_rate: dict[Decimal, Decimal] = {}
    for line, off in zip(lines, offs, strict=True):
        rate = _money(line.vat_rate, "A VAT rate").quantize(CENT)
        amount = line_total(line)
        off = min(to_cent(_money(off, "A discount")), amount)
        line_totals.append(amount)
        line_discounts.append(off)
        gross_by_rate[rate] = gross_by_rate.get(rate, ZERO) + amount - off
    subtotal = sum(line_totals, ZERO)
    discount = sum(line_discounts, ZERO)
    if fee:
        gross_by_rate[DELIVERY_VAT_RATE] = gross_by_rate.get(DELIVERY_VAT_RATE, ZERO) + fee
    groups = []
    for rate in sorted(gross_by_rate):
        gross = gross_by_rate[rate]
        vat = vat_of(gross, rate)
        groups.append(VatGroup(rate=rate, gross=gross, vat=vat, net=gross - vat))
    return Totals(
        line_totals=tuple(line_totals),
        subtotal=subtotal,
        delivery_fee=fee,
        total=subtotal - discount + fee,
        vat=tuple(groups),
        line_discounts=tuple(line_discounts),
        discount=discount,
    )


# --- Discounts ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """A deal's discount, as totals need it (see `deals.models.DealKind`).

    `percent_off`: `percent` % off each eligible line. `amount_off`: `amount`
    off the eligible lines together (spread in proportion to them, to the
    cent). `n_for_m`: of every `buy` eligible items, `buy - pay` are free, the
    cheapest ones. `free_item`: one unit of the line `free_line` is free when
    at least one other eligible item is bought.
    """

    kind: str
    percent: int | None = None
    amount: Decimal | None = None
    buy: int | None = None
    pay: int | None = None
    free_line: int | None = None


def _spread(amount: Decimal, totals: list[Decimal]) -> list[Decimal]:
    """`amount` split across `totals` in proportion, to the cent, adding up exactly.

    The largest-remainder method: each share rounded down, then the cents left
    go to the shares that lost the most.
    """
    base = sum(totals, ZERO)
    if not base:
        return [ZERO] * len(totals)
    cents = int(min(amount, base) / CENT)
    exact = [Decimal(cents) * t / base for t in totals]
    shares = [int(x) for x in exact]
    for index in sorted(range(len(totals)), key=lambda i: exact[i] - shares[i], reverse=True)[
        : cents - sum(shares)
    ]:
        shares[index] += 1
    return [Decimal(share) * CENT for share in shares]


def offer_discounts(
    lines: Sequence[Priced], *, eligible: Sequence[bool], offer: Offer
) -> tuple[Decimal, ...]:
    """What `offer` takes off each line (zero where it does not apply), never more than the line."""
    if len(eligible) != len(lines):
        raise ValueError("Say for each line whether the offer covers it.")
    totals = [line_total(line) for line in lines]
    offs = [ZERO] * len(lines)
    indexes = [i for i, covered in enumerate(eligible) if covered]
    if offer.kind == "percent_off":
        percent = Decimal(max(0, min(offer.percent or 0, 100)))
        for i in indexes:
            offs[i] = min(to_cent(totals[i] * percent / HUNDRED), totals[i])
    elif offer.kind == "amount_off":
        amount = to_cent(_money(offer.amount or ZERO, "An amount off"))
        for i, share in zip(indexes, _spread(amount, [totals[i] for i in indexes]), strict=True):
            offs[i] = share
    elif offer.kind == "n_for_m":
        buy, pay = offer.buy or 0, offer.pay or 0
        if buy > pay >= 1:
            units = sorted(
                (_money(lines[i].unit_price, "A unit price"), i)
                for i in indexes
                for _ in range(_quantity(lines[i].quantity))
            )
            for price, i in units[: (len(units) // buy) * (buy - pay)]:
                offs[i] += price
    elif offer.kind == "free_item":
        free = offer.free_line
        if free is not None and 0 <= free < len(lines):
            bought = sum(lines[i].quantity for i in indexes if i != free)
            if bought >= 1:
                offs[free] = _money(lines[free].unit_price, "A unit price")
    else:
        raise ValueError(f"Unknown offer kind: {offer.kind!r}")
    return tuple(min(off, total) for off, total in zip(offs, totals, strict=True))

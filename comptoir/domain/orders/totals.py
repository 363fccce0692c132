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

Money is `Decimal` only: a float anywhere is a programming error (`TypeError`).
"""

from __future__ import annotations

from collections.abc import Iterable
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
    line_totals: tuple[Decimal, ...]
    subtotal: Decimal
    delivery_fee: Decimal
    total: Decimal
    #: One group per rate, lowest rate first; the fee counts in the 20 % group.
    vat: tuple[VatGroup, ...]

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


def compute_totals(lines: Iterable[Priced], *, delivery_fee: Decimal = ZERO) -> Totals:
    """Line totals, subtotal, fee, grand total and VAT breakdown of some priced lines."""
    fee = to_cent(_money(delivery_fee, "A delivery fee"))
    line_totals: list[Decimal] = []
    gross_by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = _money(line.vat_rate, "A VAT rate").quantize(CENT)
        amount = line_total(line)
        line_totals.append(amount)
        gross_by_rate[rate] = gross_by_rate.get(rate, ZERO) + amount
    subtotal = sum(line_totals, ZERO)
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
        total=subtotal + fee,
        vat=tuple(groups),
    )

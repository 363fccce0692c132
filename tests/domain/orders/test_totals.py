from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comptoir.domain.catalogue.models import VAT_RATES
from comptoir.domain.orders.totals import PricedLine, Totals, VatGroup, compute_totals, vat_of

D = Decimal


def test_it_totals_lines_and_breaks_vat_down_per_rate():
    totals = compute_totals(
        [
            PricedLine(D("1.30"), 2, D("5.50")),
            PricedLine(D("1.15"), 3, D("10.00")),
            PricedLine(D("4.20"), 1, D("5.50")),
        ]
    )

    assert totals == Totals(
        line_totals=(D("2.60"), D("3.45"), D("4.20")),
        subtotal=D("10.25"),
        delivery_fee=D("0.00"),
        total=D("10.25"),
        vat=(
            VatGroup(rate=D("5.50"), gross=D("6.80"), vat=D("0.35"), net=D("6.45")),
            VatGroup(rate=D("10.00"), gross=D("3.45"), vat=D("0.31"), net=D("3.14")),
        ),
        line_discounts=(D("0.00"), D("0.00"), D("0.00")),
        discount=D("0.00"),
    )
    assert totals.vat_total == D("0.66")
    assert totals.net_total == D("9.59")


def test_it_adds_the_delivery_fee_at_twenty_percent():
    totals = compute_totals(
        [PricedLine(D("8.90"), 2, D("5.50")), PricedLine(D("12.00"), 1, D("20.00"))],
        delivery_fee=D("3.50"),
    )

    assert (totals.subtotal, totals.delivery_fee, totals.total) == (
        D("29.80"),
        D("3.50"),
        D("33.30"),
    )
    assert totals.vat == (
        VatGroup(rate=D("5.50"), gross=D("17.80"), vat=D("0.93"), net=D("16.87")),
        VatGroup(rate=D("20.00"), gross=D("15.50"), vat=D("2.58"), net=D("12.92")),
    )


def test_it_rounds_vat_half_up_to_the_cent():
    # 1.10 at 10 %: 1.10 - 1.00 = 0.10 exactly; 0.55 at 10 %: 0.05 exactly;
    # 2.11 at 5.5 %: 0.10995… → 0.11.
    assert vat_of(D("1.10"), D("10.00")) == D("0.10")
    assert vat_of(D("0.55"), D("10.00")) == D("0.05")
    assert vat_of(D("2.11"), D("5.50")) == D("0.11")


def test_it_totals_nothing_to_zero():
    assert compute_totals([]) == Totals((), D("0.00"), D("0.00"), D("0.00"), ())


@pytest.mark.parametrize(
    ("line", "fee"),
    [
        (PricedLine(1.30, 1, D("5.50")), D("0")),  # type: ignore[arg-type]
        (PricedLine(D("1.30"), 1, 5.5), D("0")),  # type: ignore[arg-type]
        (PricedLine(D("1.30"), 1.0, D("5.50")), D("0")),  # type: ignore[arg-type]
        (PricedLine(D("1.30"), True, D("5.50")), D("0")),
        (PricedLine(D("1.30"), 1, D("5.50")), 3.5),
    ],
)
def test_it_refuses_floats_and_non_integer_quantities(line, fee):
    with pytest.raises(TypeError):
        compute_totals([line], delivery_fee=fee)


@pytest.mark.parametrize(
    "line", [PricedLine(D("-0.01"), 1, D("5.50")), PricedLine(D("1.00"), 0, D("5.50"))]
)
def test_it_refuses_negative_prices_and_empty_quantities(line):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for programmers
        compute_totals([line])


prices = st.decimals(min_value=D("0.00"), max_value=D("9999.99"), places=2)
lines = st.lists(
    st.builds(
        PricedLine,
        unit_price=prices,
        quantity=st.integers(min_value=1, max_value=99),
        vat_rate=st.sampled_from(VAT_RATES),
    ),
    max_size=12,
)
fees = st.decimals(min_value=D("0.00"), max_value=D("99.99"), places=2)


@given(lines)
def test_the_breakdown_adds_up_to_the_subtotal_exactly(priced):
    totals = compute_totals(priced)

    assert sum((g.gross for g in totals.vat), D(0)) == totals.subtotal
    assert sum(totals.line_totals, D(0)) == totals.subtotal
    assert totals.total == totals.subtotal


@given(lines, fees)
def test_the_breakdown_with_a_fee_adds_up_to_the_total(priced, fee):
    totals = compute_totals(priced, delivery_fee=fee)

    assert sum((g.gross for g in totals.vat), D(0)) == totals.total == totals.subtotal + fee
    assert totals.vat_total + totals.net_total == totals.total


@given(lines, fees)
def test_every_amount_is_non_negative_and_vat_never_exceeds_gross(priced, fee):
    totals = compute_totals(priced, delivery_fee=fee)

    for group in totals.vat:
        assert D(0) <= group.vat <= group.gross
        assert group.net == group.gross - group.vat >= 0
        assert group.vat.as_tuple().exponent == -2
    assert all(amount >= 0 for amount in totals.line_totals)


@given(lines, fees)
def test_totals_are_stable_whatever_the_line_order(priced, fee):
    forwards = compute_totals(priced, delivery_fee=fee)
    backwards = compute_totals(list(reversed(priced)), delivery_fee=fee)

    assert (forwards.subtotal, forwards.total, forwards.vat) == (
        backwards.subtotal,
        backwards.total,
        backwards.vat,
    )
    assert compute_totals(priced, delivery_fee=fee) == forwards

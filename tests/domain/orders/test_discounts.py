"""Discounts in the one place totals are computed: never negative, VAT on what is paid.

Property-based (hypothesis): for any lines, rates, fee and offer, every line's
discount stays between zero and the line's total, the VAT groups add up to
what is paid, and nothing but the eligible lines is touched.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.domain.orders.totals import (
    ZERO,
    Offer,
    PricedLine,
    compute_totals,
    offer_discounts,
    vat_of,
)

prices = st.integers(min_value=1, max_value=50_000).map(lambda cents: D(cents) / 100)
rates = st.sampled_from([D("2.10"), D("5.50"), D("10.00"), D("20.00")])
lines = st.lists(
    st.builds(PricedLine, unit_price=prices, quantity=st.integers(1, 99), vat_rate=rates),
    min_size=1,
    max_size=8,
)
offers = st.one_of(
    st.builds(Offer, kind=st.just("percent_off"), percent=st.integers(1, 100)),
    st.builds(
        Offer, kind=st.just("amount_off"), amount=st.integers(1, 500_000).map(lambda c: D(c) / 100)
    ),
    st.integers(2, 6).flatmap(
        lambda buy: st.builds(
            Offer, kind=st.just("n_for_m"), buy=st.just(buy), pay=st.integers(1, buy - 1)
        )
    ),
    st.builds(Offer, kind=st.just("free_item"), free_line=st.integers(0, 7)),
)
fees = st.sampled_from([D("0.00"), D("2.50"), D("3.90")])


@settings(max_examples=300, deadline=None)
@given(lines=lines, offer=offers, fee=fees, data=st.data())
def test_discounts_never_make_a_line_or_an_order_negative_and_vat_follows(lines, offer, fee, data):
    eligible = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))

    offs = offer_discounts(lines, eligible=eligible, offer=offer)
    totals = compute_totals(lines, delivery_fee=fee, discounts=offs)

    for off, line_total, covered, index in zip(
        offs, totals.line_totals, eligible, range(len(lines)), strict=True
    ):
        assert ZERO <= off <= line_total
        if not covered and not (offer.kind == "free_item" and offer.free_line == index):
            assert off == ZERO
    assert totals.discount == sum(offs, ZERO)
    assert totals.total == totals.subtotal - totals.discount + fee
    assert totals.total >= fee
    # VAT is computed on what is paid: the groups add up to the total, exactly.
    assert sum((group.gross for group in totals.vat), ZERO) == totals.total
    for group in totals.vat:
        assert group.vat == vat_of(group.gross, group.rate)
        assert group.net + group.vat == group.gross


@settings(max_examples=200, deadline=None)
@given(lines=lines, amount=st.integers(1, 500_000).map(lambda c: D(c) / 100))
def test_an_amount_off_is_taken_exactly_up_to_what_is_eligible(lines, amount):
    eligible = [True] * len(lines)

    offs = offer_discounts(lines, eligible=eligible, offer=Offer("amount_off", amount=amount))

    assert sum(offs, ZERO) == min(amount, compute_totals(lines).subtotal)


def line(price: str, quantity: int = 1, rate: str = "5.50") -> PricedLine:
    return PricedLine(D(price), quantity, D(rate))


def test_twenty_percent_off_the_galettes_only():
    galette, cidre = line("12.00", 2), line("6.00", 1, "20.00")

    offs = offer_discounts(
        [galette, cidre], eligible=[True, False], offer=Offer("percent_off", percent=20)
    )
    totals = compute_totals([galette, cidre], discounts=offs)

    assert offs == (D("4.80"), D("0.00"))
    assert (totals.subtotal, totals.discount, totals.total) == (D("30.00"), D("4.80"), D("25.20"))
    # VAT on the discounted galettes: 19.20 at 5.5 %, the cider untouched at 20 %.
    assert [(g.rate, g.gross, g.vat) for g in totals.vat] == [
        (D("5.50"), D("19.20"), D("1.00")),
        (D("20.00"), D("6.00"), D("1.00")),
    ]


def test_three_macarons_for_the_price_of_two_offers_the_cheapest():
    plain, pistachio = line("1.80", 2), line("2.20", 4)

    offs = offer_discounts(
        [plain, pistachio], eligible=[True, True], offer=Offer("n_for_m", buy=3, pay=2)
    )

    # 6 macarons: 2 free, the two cheapest (the plain ones).
    assert offs == (D("3.60"), D("0.00"))


def test_a_free_coffee_needs_a_pastry_bought_with_it():
    coffee, croissant = line("1.50", 1, "10.00"), line("1.20", 1)
    offer = Offer("free_item", free_line=0)

    assert offer_discounts([coffee, croissant], eligible=[False, True], offer=offer) == (
        D("1.50"),
        D("0.00"),
    )
    assert offer_discounts([coffee], eligible=[False], offer=offer) == (D("0.00"),)


def test_an_amount_off_larger_than_the_basket_stops_at_zero():
    totals = compute_totals(
        [line("3.00")],
        delivery_fee=D("2.50"),
        discounts=offer_discounts(
            [line("3.00")], eligible=[True], offer=Offer("amount_off", amount=D("10.00"))
        ),
    )

    assert (totals.discount, totals.total) == (D("3.00"), D("2.50"))


def test_a_wrong_number_of_discounts_is_a_programming_error():
    with pytest.raises(ValueError, match="One discount per line"):
        compute_totals([line("1.00")], discounts=[])

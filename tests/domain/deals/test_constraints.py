"""The database refuses the deals and vouchers the services never write (STYLE rule 5).

Rows are written with `.objects.create` or `QuerySet.update`, past `full_clean`,
so each refusal comes from the database itself, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from comptoir.domain.deals.models import EVERY_DAY, Deal, DealKind, DealState, Voucher
from comptoir.domain.shops.models import Shop
from tests.domain.deals.support import NOW
from tests.domain.violations import refused_by
from tests.factories import make_product, make_user

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)


def make_deal_row(shop: Shop, **fields: Any) -> Deal:
    """A deal written straight to the table: no service, no `full_clean`."""
    defaults: dict[str, Any] = {
        "city": shop.city,
        "shop": shop,
        "title": "-20 % sur les galettes",
        "kind": DealKind.PERCENT_OFF,
        "percent": 20,
        "starts_at": NOW - timedelta(days=1),
        "ends_at": NOW + timedelta(days=2),
    }
    return Deal.objects.create(**(defaults | fields))


def make_voucher_row(deal: Deal, **fields: Any) -> Voucher:
    defaults: dict[str, Any] = {
        "city_id": deal.city_id,
        "shop_id": deal.shop_id,
        "deal": deal,
        "number": 1,
        "code": f"TEST-{next(_codes):04d}",
        "claimed_at": NOW,
    }
    return Voucher.objects.create(**(defaults | fields))


# --- Deal: dates, kind and state ---------------------------------------------------------


@pytest.mark.parametrize("length", [timedelta(0), -timedelta(days=1)])
def test_it_refuses_a_deal_that_does_not_end_after_it_starts(shop, length):
    with refused_by("deals_deal_ends_after_start"):
        make_deal_row(shop, starts_at=NOW, ends_at=NOW + length)

    assert not Deal.objects.exists()


def test_it_accepts_a_deal_one_microsecond_long(shop):
    make_deal_row(shop, starts_at=NOW, ends_at=NOW + timedelta(microseconds=1))

    assert Deal.objects.get().ends_at - Deal.objects.get().starts_at == timedelta(microseconds=1)


def test_it_refuses_an_unknown_kind(shop):
    with refused_by("deals_deal_kind_valid"):
        make_deal_row(shop, kind="two_for_one")

    assert not Deal.objects.exists()


def test_it_accepts_every_kind_with_its_own_field(shop):
    make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=20)
    make_deal_row(shop, kind=DealKind.AMOUNT_OFF, percent=None, amount=Decimal("2.00"))
    make_deal_row(shop, kind=DealKind.FREE_ITEM, percent=None, free_product=make_product(shop))
    make_deal_row(shop, kind=DealKind.N_FOR_M, percent=None, buy_quantity=3, pay_quantity=2)

    assert sorted(Deal.objects.values_list("kind", flat=True)) == sorted(DealKind.values)


def test_it_refuses_an_unknown_state(shop):
    deal = make_deal_row(shop)

    with refused_by("deals_deal_state_valid"):
        Deal.objects.filter(pk=deal.pk).update(state="draft")

    assert Deal.objects.get(pk=deal.pk).state == DealState.LIVE


def test_it_accepts_every_state(shop):
    for state in DealState.values:
        make_deal_row(shop, state=state)

    assert sorted(Deal.objects.values_list("state", flat=True)) == sorted(DealState.values)


# --- Deal: what each kind offers -----------------------------------------------------------


@pytest.mark.parametrize("percent", [0, 101])
def test_it_refuses_a_percentage_off_outside_1_to_100(shop, percent):
    with refused_by("deals_deal_percent_set"):
        make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=percent)

    assert not Deal.objects.exists()


def test_it_accepts_a_percentage_off_of_1_or_100_and_ignores_it_on_other_kinds(shop):
    make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=1)
    make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=100)
    make_deal_row(shop, kind=DealKind.AMOUNT_OFF, percent=0, amount=Decimal("1.00"))

    assert list(Deal.objects.order_by("pk").values_list("percent", flat=True)) == [1, 100, 0]


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-0.01")])
def test_it_refuses_an_amount_off_that_is_not_positive(shop, amount):
    with refused_by("deals_deal_amount_set"):
        make_deal_row(shop, kind=DealKind.AMOUNT_OFF, percent=None, amount=amount)

    assert not Deal.objects.exists()


def test_it_accepts_an_amount_off_of_one_cent_and_ignores_it_on_other_kinds(shop):
    make_deal_row(shop, kind=DealKind.AMOUNT_OFF, percent=None, amount=Decimal("0.01"))
    make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=10, amount=Decimal("0.00"))

    assert list(Deal.objects.order_by("pk").values_list("amount", flat=True)) == [
        Decimal("0.01"),
        Decimal("0.00"),
    ]


def test_it_refuses_a_free_item_deal_without_its_product(shop):
    with refused_by("deals_deal_free_product_set"):
        make_deal_row(shop, kind=DealKind.FREE_ITEM, percent=None, free_product=None)

    assert not Deal.objects.exists()


def test_it_accepts_a_free_item_deal_with_its_product_and_other_kinds_without(shop):
    croissant = make_product(shop)
    make_deal_row(shop, kind=DealKind.FREE_ITEM, percent=None, free_product=croissant)
    make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=10, free_product=None)

    assert list(Deal.objects.order_by("pk").values_list("free_product", flat=True)) == [
        croissant.pk,
        None,
    ]


@pytest.mark.parametrize(
    ("buy", "pay"),
    [(1, 0), (2, 2), (2, 3)],
    ids=["paying-nothing", "buying-as-many-as-paid", "buying-fewer-than-paid"],
)
def test_it_refuses_an_n_for_m_deal_that_gives_nothing_or_everything(shop, buy, pay):
    with refused_by("deals_deal_n_for_m_set"):
        make_deal_row(shop, kind=DealKind.N_FOR_M, percent=None, buy_quantity=buy, pay_quantity=pay)

    assert not Deal.objects.exists()


def test_it_accepts_two_for_the_price_of_one_and_ignores_quantities_on_other_kinds(shop):
    make_deal_row(shop, kind=DealKind.N_FOR_M, percent=None, buy_quantity=2, pay_quantity=1)
    make_deal_row(shop, kind=DealKind.PERCENT_OFF, percent=10, buy_quantity=1, pay_quantity=1)

    assert list(Deal.objects.order_by("pk").values_list("buy_quantity", "pay_quantity")) == [
        (2, 1),
        (1, 1),
    ]


# --- Deal: when, where and how many ---------------------------------------------------------


@pytest.mark.parametrize("weekdays", [0, EVERY_DAY + 1])
def test_it_refuses_weekdays_that_are_none_or_past_sunday(shop, weekdays):
    with refused_by("deals_deal_weekdays_valid"):
        make_deal_row(shop, weekdays=weekdays)

    assert not Deal.objects.exists()


def test_it_accepts_monday_alone_and_every_day(shop):
    make_deal_row(shop, weekdays=0b0000001)
    make_deal_row(shop, weekdays=EVERY_DAY)

    assert sorted(Deal.objects.values_list("weekdays", flat=True)) == [1, 127]


@pytest.mark.parametrize(
    ("daily_from", "daily_until"),
    [(time(9), time(9)), (time(17), time(9)), (None, time(17))],
    ids=["empty-window", "ending-before-it-starts", "end-without-start"],
)
def test_it_refuses_a_daily_window_that_does_not_end_after_it_starts(shop, daily_from, daily_until):
    with refused_by("deals_deal_daily_window_valid"):
        make_deal_row(shop, daily_from=daily_from, daily_until=daily_until)

    assert not Deal.objects.exists()


def test_it_accepts_a_one_minute_daily_window_or_none(shop):
    make_deal_row(shop, daily_from=time(9), daily_until=time(9, 1))
    make_deal_row(shop, daily_from=None, daily_until=None)

    assert list(Deal.objects.order_by("pk").values_list("daily_from", "daily_until")) == [
        (time(9), time(9, 1)),
        (None, None),
    ]


def test_it_refuses_a_deal_usable_nowhere(shop):
    with refused_by("deals_deal_usable_somewhere"):
        make_deal_row(shop, in_store=False, online=False)

    assert not Deal.objects.exists()


def test_it_accepts_a_deal_usable_only_in_the_shop_or_only_online(shop):
    make_deal_row(shop, in_store=True, online=False)
    make_deal_row(shop, in_store=False, online=True)

    assert list(Deal.objects.order_by("pk").values_list("in_store", "online")) == [
        (True, False),
        (False, True),
    ]


def test_it_refuses_a_deal_giving_no_voucher_per_customer(shop):
    with refused_by("deals_deal_per_customer_positive"):
        make_deal_row(shop, per_customer_limit=0)

    assert not Deal.objects.exists()


def test_it_accepts_one_voucher_per_customer(shop):
    make_deal_row(shop, per_customer_limit=1)

    assert Deal.objects.get().per_customer_limit == 1


def test_it_refuses_a_deal_created_with_more_vouchers_claimed_than_its_cap(shop):
    with refused_by("deals_deal_cap_holds"):
        make_deal_row(shop, total_cap=2, claimed_count=3)

    assert not Deal.objects.exists()


def test_it_refuses_to_count_a_claim_past_the_cap(shop):
    deal = make_deal_row(shop, total_cap=2, claimed_count=2)

    with refused_by("deals_deal_cap_holds"):
        Deal.objects.filter(pk=deal.pk).update(claimed_count=3)

    assert Deal.objects.get(pk=deal.pk).claimed_count == 2


def test_it_accepts_a_deal_claimed_up_to_its_cap_or_without_a_cap(shop):
    make_deal_row(shop, total_cap=2, claimed_count=2)
    make_deal_row(shop, total_cap=None, claimed_count=10_000)

    assert list(Deal.objects.order_by("pk").values_list("total_cap", "claimed_count")) == [
        (2, 2),
        (None, 10_000),
    ]


def test_it_refuses_more_vouchers_redeemed_than_claimed(shop):
    deal = make_deal_row(shop, claimed_count=2, redeemed_count=2)

    with refused_by("deals_deal_redeemed_within_claimed"):
        Deal.objects.filter(pk=deal.pk).update(redeemed_count=3)

    assert Deal.objects.get(pk=deal.pk).redeemed_count == 2


def test_it_accepts_every_claimed_voucher_redeemed(shop):
    make_deal_row(shop, total_cap=3, claimed_count=3, redeemed_count=3)

    assert Deal.objects.values_list("claimed_count", "redeemed_count").get() == (3, 3)


# --- Voucher -------------------------------------------------------------------------------


def test_it_refuses_one_number_twice_for_a_customer_of_a_deal(shop):
    deal, anne = make_deal_row(shop), make_user()
    make_voucher_row(deal, customer=anne, number=1)

    with refused_by(
        "deals_voucher_one_number_per_customer",
        sqlite="UNIQUE constraint failed: deals_voucher.deal_id, deals_voucher.customer_id, "
        "deals_voucher.number",
    ):
        make_voucher_row(deal, customer=anne, number=1)

    assert Voucher.objects.filter(deal=deal, customer=anne).count() == 1


def test_it_accepts_one_number_for_two_customers_two_deals_and_two_numbers_for_one(shop):
    first, second = make_deal_row(shop), make_deal_row(shop)
    anne, paul = make_user(), make_user()
    make_voucher_row(first, customer=anne, number=1)
    make_voucher_row(first, customer=anne, number=2)
    make_voucher_row(first, customer=paul, number=1)
    make_voucher_row(second, customer=anne, number=1)
    # Customers who deleted their account leave vouchers with no customer behind.
    make_voucher_row(first, customer=None, number=1)
    make_voucher_row(first, customer=None, number=1)

    assert Voucher.objects.count() == 6


def test_it_refuses_a_voucher_number_zero(shop):
    with refused_by("deals_voucher_number_positive"):
        make_voucher_row(make_deal_row(shop), customer=make_user(), number=0)

    assert not Voucher.objects.exists()


def test_it_accepts_a_customers_first_voucher_numbered_one(shop):
    make_voucher_row(make_deal_row(shop), customer=make_user(), number=1)

    assert Voucher.objects.get().number == 1


@pytest.mark.parametrize(
    ("redeemed_at", "redeemed_via"),
    [(NOW, ""), (None, "store"), (None, "online"), (NOW, "phone")],
    ids=["time-without-place", "store-without-time", "online-without-time", "unknown-place"],
)
def test_it_refuses_a_half_recorded_redemption(shop, redeemed_at, redeemed_via):
    voucher = make_voucher_row(make_deal_row(shop), customer=make_user())

    with refused_by("deals_voucher_redemption_complete"):
        Voucher.objects.filter(pk=voucher.pk).update(
            redeemed_at=redeemed_at, redeemed_via=redeemed_via
        )

    assert Voucher.objects.values_list("redeemed_at", "redeemed_via").get() == (None, "")


def test_it_accepts_a_voucher_unused_used_in_the_shop_or_used_online(shop):
    deal = make_deal_row(shop)
    make_voucher_row(deal, customer=make_user(), redeemed_at=None, redeemed_via="")
    make_voucher_row(deal, customer=make_user(), redeemed_at=NOW, redeemed_via="store")
    make_voucher_row(deal, customer=make_user(), redeemed_at=NOW, redeemed_via="online")

    assert list(Voucher.objects.order_by("pk").values_list("redeemed_at", "redeemed_via")) == [
        (None, ""),
        (NOW, "store"),
        (NOW, "online"),
    ]


def test_it_refuses_two_vouchers_with_one_code(shop):
    deal = make_deal_row(shop)
    make_voucher_row(deal, customer=make_user(), code="K7QF-3M2X")

    with refused_by("deals_voucher_code_", sqlite="UNIQUE constraint failed: deals_voucher.code"):
        make_voucher_row(make_deal_row(shop), customer=make_user(), code="K7QF-3M2X")

    assert Voucher.objects.filter(code="K7QF-3M2X").count() == 1


def test_it_accepts_codes_differing_by_one_character(shop):
    deal = make_deal_row(shop)
    make_voucher_row(deal, customer=make_user(), code="K7QF-3M2X")
    make_voucher_row(deal, customer=make_user(), code="K7QF-3M2Y")

    assert Voucher.objects.count() == 2


# --- A CHECK lets NULL through: each condition also says "is not null" --------------------


@pytest.mark.parametrize(
    ("constraint", "fields"),
    [
        ("deals_deal_percent_set", {"kind": DealKind.PERCENT_OFF, "percent": None}),
        ("deals_deal_amount_set", {"kind": DealKind.AMOUNT_OFF, "percent": None, "amount": None}),
        (
            "deals_deal_n_for_m_set",
            {"kind": DealKind.N_FOR_M, "percent": None, "buy_quantity": 2, "pay_quantity": None},
        ),
        (
            "deals_deal_n_for_m_set",
            {"kind": DealKind.N_FOR_M, "percent": None, "buy_quantity": None, "pay_quantity": 1},
        ),
        ("deals_deal_daily_window_valid", {"daily_from": time(9), "daily_until": None}),
    ],
    ids=["percent", "amount", "pay-quantity", "buy-quantity", "start-without-end"],
)
def test_it_refuses_a_deal_missing_what_its_kind_or_window_needs(shop, constraint, fields):
    with refused_by(constraint):
        make_deal_row(shop, **fields)

    assert not Deal.objects.exists()

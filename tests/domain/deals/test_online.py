"""Which voucher an online order uses: the best usable one, and why the others do not apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.domain.deals.models import DealKind
from comptoir.domain.deals.online import vouchers_for_basket
from comptoir.domain.deals.services import (
    deal_end,
    deal_hide,
    deal_pause,
    voucher_claim,
    voucher_redeem,
)
from tests.domain.deals.support import make_deal
from tests.domain.orders.support import NOW, PARIS, make_scene
from tests.factories import make_product, make_user

D = Decimal


@pytest.fixture
def scene(city):
    return make_scene(city)


@dataclass(frozen=True)
class Line:
    product_id: int
    unit_price: Decimal
    quantity: int
    vat_rate: Decimal


def lines_of(scene, shop):
    return [
        Line(line.product_id, line.product.price, line.quantity, line.product.vat_rate)
        for line in scene.basket.lines.select_related("product").order_by("pk")
        if line.product.shop_id == shop.pk
    ]


def bakery_deal(scene, **fields):
    defaults = {"starts_at": NOW - timedelta(days=1), "ends_at": NOW + timedelta(days=5)}
    return make_deal(scene.bakery, **(defaults | fields))


def claim(scene, **fields):
    return voucher_claim(deal=bakery_deal(scene, **fields), customer=scene.customer, now=NOW)


def choose(scene, *, now=NOW, customer="scene"):
    customer = scene.customer if customer == "scene" else customer
    with translation.override("en"):
        return vouchers_for_basket(
            customer=customer,
            lines_by_shop={
                scene.bakery.pk: lines_of(scene, scene.bakery),
                scene.cheese.pk: lines_of(scene, scene.cheese),
            },
            now=now,
        )


def reasons(chosen):
    return {note.code: note.reason for note in chosen.notes}


@pytest.mark.django_db
class TestBestVoucher:
    def test_the_voucher_saving_the_most_applies_and_the_other_is_explained(self, scene):
        # The bakery's lines: 2 baguettes at 1.30 (5.5 %), 3 croissants at 1.15 (10 %).
        percent = claim(scene, title="-20 %", kind=DealKind.PERCENT_OFF, percent=20)
        amount = claim(scene, title="-1 €", kind=DealKind.AMOUNT_OFF, amount=D("1.00"))

        chosen = choose(scene)

        bakery = chosen[scene.bakery.pk]
        assert bakery.code == percent.code
        assert bakery.applied is not None
        assert bakery.applied.line_discounts == (D("0.52"), D("0.69"))
        assert bakery.discount == D("1.21")
        assert reasons(bakery) == {
            amount.code: "one voucher per order: the one saving the most is used."
        }
        # A voucher is for its own shop: the cheese shop's order gets nothing.
        assert chosen[scene.cheese.pk].applied is None
        assert chosen[scene.cheese.pk].notes == []

    def test_an_equal_saving_uses_the_voucher_ending_soonest(self, scene):
        later = claim(
            scene, kind=DealKind.AMOUNT_OFF, amount=D("1.00"), ends_at=NOW + timedelta(days=9)
        )
        sooner = claim(
            scene, kind=DealKind.AMOUNT_OFF, amount=D("1.00"), ends_at=NOW + timedelta(days=2)
        )

        bakery = choose(scene)[scene.bakery.pk]

        assert bakery.code == sooner.code
        assert list(reasons(bakery)) == [later.code]

    def test_each_kind_takes_off_what_its_offer_says(self, scene):
        croissant_only = {"whole_shop": False, "products": [scene.croissant]}
        cases = [
            ({"kind": DealKind.AMOUNT_OFF, "amount": D("10.00")}, D("6.05")),  # never below zero
            ({"kind": DealKind.PERCENT_OFF, "percent": 10, **croissant_only}, D("0.35")),
            (
                {"kind": DealKind.N_FOR_M, "buy_quantity": 3, "pay_quantity": 2, **croissant_only},
                D("1.15"),
            ),
            ({"kind": DealKind.FREE_ITEM, "free_product": scene.croissant}, D("1.15")),
        ]
        for fields, discount in cases:
            voucher = claim(scene, **fields)

            assert choose(scene)[scene.bakery.pk].discount == discount, fields
            voucher.delete()

    def test_a_guest_gets_no_voucher(self, scene):
        claim(scene)

        chosen = choose(scene, customer=None)

        assert all(shop.applied is None and not shop.notes for shop in chosen.values())

    def test_used_vouchers_and_other_customers_vouchers_are_left_out(self, scene):
        used = claim(scene)
        voucher_redeem(code=used.code, shop=scene.bakery, now=NOW)
        deal = bakery_deal(scene, kind=DealKind.AMOUNT_OFF, amount=D("1.00"))
        voucher_claim(deal=deal, customer=make_user(), now=NOW)

        bakery = choose(scene)[scene.bakery.pk]

        assert bakery.applied is None
        assert bakery.notes == []

    def test_two_queries_whatever_the_number_of_vouchers(self, scene, django_assert_num_queries):
        for percent in (5, 10, 15):
            claim(scene, percent=percent, whole_shop=False, products=[scene.croissant])
        claim(scene, kind=DealKind.FREE_ITEM, free_product=scene.baguette)

        lines = {shop.pk: lines_of(scene, shop) for shop in (scene.bakery, scene.cheese)}

        with django_assert_num_queries(2):
            chosen = vouchers_for_basket(customer=scene.customer, lines_by_shop=lines, now=NOW)

        assert chosen[scene.bakery.pk].discount == D("1.30")


@pytest.mark.django_db
class TestNotApplied:
    def test_a_voucher_that_saves_nothing_is_not_applied_and_says_why(self, scene):
        pain = make_product(scene.bakery, name="Pain au chocolat", price=D("1.40"))
        wrong = claim(scene, whole_shop=False, products=[pain])
        short = claim(
            scene,
            kind=DealKind.N_FOR_M,
            buy_quantity=4,
            pay_quantity=3,
            whole_shop=False,
            products=[scene.baguette],
        )
        missing = claim(scene, kind=DealKind.FREE_ITEM, free_product=pain)

        bakery = choose(scene)[scene.bakery.pk]

        assert bakery.applied is None
        assert reasons(bakery) == {
            wrong.code: "it does not cover the products in your basket.",
            short.code: "it applies from 4 of its products in your basket.",
            missing.code: "add Pain au chocolat to your basket to get it free.",
        }

    def test_paused_ended_hidden_and_in_shop_only_deals_are_not_applied(self, scene):
        paused, ended, hidden, in_shop = (claim(scene, title=t) for t in "PEHS")
        deal_pause(deal=paused.deal)
        deal_end(deal=ended.deal)
        deal_hide(deal=hidden.deal, reason="Trompeur", now=NOW)
        in_shop.deal.online = False
        in_shop.deal.save(update_fields=["online"])

        bakery = choose(scene)[scene.bakery.pk]

        assert bakery.applied is None
        unavailable = "This deal is not available any more."
        assert reasons(bakery) == {
            paused.code: unavailable,
            ended.code: unavailable,
            hidden.code: unavailable,
            in_shop.code: "it can be used in the shop only.",
        }

    def test_the_deals_end_is_read_on_the_clock_in_paris_time(self, scene):
        # Ends at noon in Rouen, 11:00 UTC in March.
        ends_at = datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)
        voucher = claim(scene, ends_at=ends_at)

        before = choose(scene, now=ends_at - timedelta(microseconds=1))[scene.bakery.pk]
        after = choose(scene, now=ends_at)[scene.bakery.pk]

        assert before.code == voucher.code
        assert after.applied is None
        assert reasons(after) == {voucher.code: "This deal has ended."}
        # A week later, the ended voucher is no longer mentioned.
        assert choose(scene, now=ends_at + timedelta(days=8))[scene.bakery.pk].notes == []

    def test_daily_hours_are_read_in_paris_time(self, scene):
        # NOW is 9:00 in Rouen (8:00 UTC): a deal from 9:00 to 12:00 applies from NOW.
        voucher = claim(scene, daily_from=time(9, 0), daily_until=time(12, 0))

        assert choose(scene)[scene.bakery.pk].code == voucher.code
        too_early = choose(scene, now=NOW - timedelta(microseconds=1))[scene.bakery.pk]
        assert too_early.applied is None
        assert voucher.code in reasons(too_early)

"""Vouchers at checkout: the best one applies by itself, is redeemed once, comes back on refusal."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from comptoir.domain.deals.errors import VoucherAlreadyRedeemed
from comptoir.domain.deals.models import Deal, DealKind, RedeemedVia, Voucher
from comptoir.domain.deals.services import voucher_claim, voucher_redeem, voucher_release
from comptoir.domain.orders import checkout as checkout_module
from comptoir.domain.orders.checkout import checkout_place
from comptoir.domain.orders.desk import order_refuse
from comptoir.domain.orders.errors import VoucherChanged
from comptoir.domain.orders.models import BasketLine, Checkout, Order, OrderLine, OrderState
from comptoir.domain.orders.selectors import order_totals
from comptoir.domain.orders.services import basket_add, basket_for, order_cancel_by_customer
from tests.concurrency import run_together
from tests.domain.deals.support import make_deal
from tests.domain.orders.support import CONTACT, NOW, PARIS, collect_at, collect_shop, make_scene
from tests.factories import make_product, make_user

D = Decimal


@pytest.fixture
def scene(city):
    return make_scene(city)


def claim(scene, shop=None, **fields):
    defaults = {"starts_at": NOW - timedelta(days=1), "ends_at": NOW + timedelta(days=5)}
    deal = make_deal(shop or scene.bakery, **(defaults | fields))
    return voucher_claim(deal=deal, customer=scene.customer, now=NOW)


def place(scene, *, token="tok-1", seen=None, now=NOW, customer="scene", **kwargs):  # noqa: S107
    return checkout_place(
        basket=scene.basket,
        token=token,
        contact=CONTACT,
        choices=scene.choices(),
        expected=scene.expected(),
        expected_vouchers=seen,
        now=now,
        customer=scene.customer if customer == "scene" else customer,
        **kwargs,
    )


def fresh(voucher):
    return Voucher.objects.select_related("deal").get(pk=voucher.pk)


def assert_nothing_placed(scene, voucher):
    assert Checkout.objects.count() == 0
    assert Order.objects.count() == 0
    assert BasketLine.objects.filter(basket=scene.basket).count() == 3
    assert fresh(voucher).order_id is None


class TestApplied:
    def test_the_best_voucher_comes_off_the_order_with_vat_on_what_is_paid(self, scene):
        claim(scene, kind=DealKind.AMOUNT_OFF, amount=D("1.00"))
        best = claim(scene, percent=20)  # -1.21 on the bakery's 6.05

        checkout = place(scene, seen={scene.bakery.pk: (best.code, D("1.21"))})

        bread, cheese = Order.objects.filter(checkout=checkout).order_by("shop_id")
        assert (bread.subtotal, bread.discount, bread.delivery_fee, bread.total) == (
            D("6.05"),
            D("1.21"),
            D("0.00"),
            D("4.84"),
        )
        assert bread.voucher_code == best.code
        assert list(bread.lines.order_by("pk").values_list("line_total", "discount")) == [
            (D("2.60"), D("0.52")),
            (D("3.45"), D("0.69")),
        ]
        # VAT on the discounted amounts: 2.08 at 5.5 %, 2.76 at 10 %.
        totals = order_totals(bread, bread.lines.order_by("pk"))
        assert [(g.rate, g.gross, g.vat) for g in totals.vat] == [
            (D("5.50"), D("2.08"), D("0.11")),
            (D("10.00"), D("2.76"), D("0.25")),
        ]
        assert totals.total == bread.total
        assert (cheese.discount, cheese.voucher_code, cheese.total) == (D("0.00"), "", D("21.30"))
        used = fresh(best)
        assert (used.redeemed_at, used.redeemed_via, used.order_id) == (
            NOW,
            RedeemedVia.ONLINE,
            bread.pk,
        )
        assert used.redeemed_by_id == scene.customer.pk
        assert used.deal.redeemed_count == 1

    def test_a_delivered_order_keeps_its_fee_whole_and_pays_vat_on_the_rest(self, scene):
        voucher = claim(scene, shop=scene.cheese, percent=10)

        checkout = place(scene, seen={scene.cheese.pk: (voucher.code, D("1.78"))})

        cheese = Order.objects.get(checkout=checkout, shop=scene.cheese)
        assert (cheese.subtotal, cheese.discount, cheese.delivery_fee, cheese.total) == (
            D("17.80"),
            D("1.78"),
            D("3.50"),
            D("19.52"),
        )
        totals = order_totals(cheese, cheese.lines.all())
        assert [(g.rate, g.gross, g.vat) for g in totals.vat] == [
            (D("5.50"), D("16.02"), D("0.84")),
            (D("20.00"), D("3.50"), D("0.58")),
        ]

    def test_without_what_was_seen_the_best_voucher_still_applies(self, scene):
        voucher = claim(scene, kind=DealKind.AMOUNT_OFF, amount=D("50.00"))

        checkout = place(scene, seen=None)

        bread = Order.objects.get(checkout=checkout, shop=scene.bakery)
        assert (bread.discount, bread.total) == (D("6.05"), D("0.00"))  # never below zero
        assert fresh(voucher).order_id == bread.pk

    def test_a_guest_checkout_uses_no_voucher(self, scene):
        voucher = claim(scene)
        guest_basket = basket_for(city=scene.city, session_key="guest-session", create=True)
        basket_add(basket=guest_basket, product=scene.baguette, quantity=2)

        checkout = checkout_place(
            basket=guest_basket,
            token="tok-guest",
            contact=CONTACT,
            choices={scene.bakery.pk: collect_at()},
            expected=None,
            expected_vouchers={},
            now=NOW,
        )

        order = checkout.orders.get()
        assert (order.discount, order.voucher_code, order.total) == (D("0.00"), "", D("2.60"))
        assert fresh(voucher).redeemed_at is None

    def test_a_replayed_confirmation_gets_the_same_orders_and_uses_the_voucher_once(self, scene):
        voucher = claim(scene, percent=20)
        seen = {scene.bakery.pk: (voucher.code, D("1.21"))}

        first = place(scene, seen=seen)
        again = place(scene, seen=seen, now=NOW + timedelta(seconds=5))

        assert again.pk == first.pk
        assert Order.objects.count() == 2
        assert Deal.objects.get(pk=voucher.deal_id).redeemed_count == 1


class TestChanged:
    def test_a_voucher_used_at_the_till_since_the_page_was_shown_places_nothing(self, scene):
        voucher = claim(scene, percent=20)
        voucher_redeem(code=voucher.code, shop=scene.bakery, now=NOW)

        with translation.override("en"), pytest.raises(VoucherChanged) as refused:
            place(scene, seen={scene.bakery.pk: (voucher.code, D("1.21"))})

        assert_nothing_placed(scene, voucher)
        (change,) = refused.value.voucher_changes
        assert (change.shop_id, change.code, change.old, change.new) == (
            scene.bakery.pk,
            voucher.code,
            D("1.21"),
            D("0.00"),
        )
        assert change.reason == (
            f"This voucher was already used on 10/03 09:00 (at {scene.bakery.name})."
        )
        assert refused.value.code == "voucher_changed"

    def test_the_clock_crossing_the_deals_end_in_paris_time_refuses_the_discount_seen(self, scene):
        # Ends at 9:30 in Rouen: shown at 9:29:59, confirmed at 9:30.
        ends_at = datetime(2026, 3, 10, 9, 30, tzinfo=PARIS)
        voucher = claim(scene, percent=20, ends_at=ends_at)
        seen = {scene.bakery.pk: (voucher.code, D("1.21"))}

        with translation.override("en"), pytest.raises(VoucherChanged) as refused:
            place(scene, seen=seen, now=ends_at)

        assert_nothing_placed(scene, voucher)
        assert refused.value.voucher_changes[0].reason == "This deal has ended."
        assert place(scene, seen=seen, now=ends_at - timedelta(seconds=1)).orders.count() == 2

    def test_a_voucher_that_appeared_since_the_page_was_shown_is_a_change_too(self, scene):
        voucher = claim(scene, percent=20)

        with pytest.raises(VoucherChanged) as refused:
            place(scene, seen={})

        assert_nothing_placed(scene, voucher)
        change = refused.value.voucher_changes[0]
        assert (change.code, change.old, change.new) == (voucher.code, D("0.00"), D("1.21"))

    def test_a_redemption_after_the_choice_is_caught_by_the_conditional_update(
        self, scene, monkeypatch
    ):
        # A forced interleaving: the checkout reads the voucher unused, then the
        # voucher is used before the checkout's conditional UPDATE. (Done here on
        # the checkout's own connection, so it rolls back with it; the threaded
        # race below runs a real till.)
        voucher = claim(scene, percent=20)
        choose = checkout_module.vouchers_for_basket

        def choose_then_use(**kwargs):
            chosen = choose(**kwargs)
            Voucher.objects.filter(pk=voucher.pk).update(redeemed_at=NOW, redeemed_via="store")
            return chosen

        monkeypatch.setattr(checkout_module, "vouchers_for_basket", choose_then_use)

        with translation.override("en"), pytest.raises(VoucherChanged) as refused:
            place(scene, seen={scene.bakery.pk: (voucher.code, D("1.21"))})

        assert "already used" in refused.value.voucher_changes[0].reason
        assert Order.objects.count() == 0
        assert fresh(voucher).deal.redeemed_count == 0


@pytest.mark.django_db(transaction=True)
class TestTillAndCheckoutRacing:
    def test_control_without_the_guard_the_till_and_the_checkout_both_use_it(
        self, city, monkeypatch
    ):
        scene = make_scene(city)
        voucher = claim(scene, percent=20)
        read_done = threading.Barrier(2)

        def naive_redeem(*, code, shop, now, via="store", actor=None, order_id=None):
            used = Voucher.objects.values_list("redeemed_at", flat=True).get(code=code)
            read_done.wait()  # the other side reads "not used" too
            if used is not None:
                raise VoucherAlreadyRedeemed(redeemed_at=used, where="")
            Voucher.objects.filter(code=code).update(
                redeemed_at=now, redeemed_via=via, order_id=order_id
            )

        monkeypatch.setattr(checkout_module, "voucher_redeem", naive_redeem)
        seen = {scene.bakery.pk: (voucher.code, D("1.21"))}

        results, errors = run_together(
            [
                lambda: place(scene, seen=seen),
                lambda: naive_redeem(code=voucher.code, shop=scene.bakery, now=NOW),
            ]
        )

        assert errors == []
        assert len(results) == 2  # the till honoured it, and the order got the discount too
        assert Order.objects.get(shop=scene.bakery).discount == D("1.21")

    def test_a_till_and_an_online_checkout_racing_on_one_voucher_use_it_once(self, city):
        scene = make_scene(city)
        voucher = claim(scene, percent=20)
        seen = {scene.bakery.pk: (voucher.code, D("1.21"))}

        results, errors = run_together(
            [
                lambda: place(scene, seen=seen),
                lambda: voucher_redeem(code=voucher.code, shop=scene.bakery, now=NOW),
            ]
        )

        assert len(results) == 1
        assert len(errors) == 1
        assert isinstance(errors[0], VoucherChanged | VoucherAlreadyRedeemed)
        used = fresh(voucher)
        assert used.deal.redeemed_count == 1
        if isinstance(errors[0], VoucherChanged):  # the till won: nothing ordered
            assert (used.redeemed_via, Order.objects.count()) == (RedeemedVia.STORE, 0)
            assert BasketLine.objects.filter(basket=scene.basket).count() == 3
        else:  # the checkout won: the till was told
            assert used.order_id == Order.objects.get(shop=scene.bakery).pk

    def test_two_checkouts_of_one_customer_racing_on_one_voucher_use_it_once(self, city):
        scene = make_scene(city)
        voucher = claim(scene, percent=20)
        # Two tabs confirming the same basket (two tokens): one order, one redemption.
        seen = {scene.bakery.pk: (voucher.code, D("1.21"))}

        results, errors = run_together(
            [
                lambda: place(scene, seen=seen, token="tab-1"),
                lambda: place(scene, seen=seen, token="tab-2"),
            ]
        )

        assert len(results) == 1
        assert len(errors) == 1
        assert Order.objects.filter(shop=scene.bakery).count() == 1
        assert fresh(voucher).deal.redeemed_count == 1


class TestReleased:
    def _placed(self, scene):
        voucher = claim(scene, percent=20)
        checkout = place(scene, seen={scene.bakery.pk: (voucher.code, D("1.21"))})
        return voucher, Order.objects.get(checkout=checkout, shop=scene.bakery)

    def assert_usable_again(self, scene, voucher):
        back = fresh(voucher)
        assert (back.redeemed_at, back.redeemed_via, back.redeemed_by_id, back.order_id) == (
            None,
            "",
            None,
            None,
        )
        assert back.deal.redeemed_count == 0
        assert back.deal.claimed_count == 1
        assert voucher_redeem(code=voucher.code, shop=scene.bakery, now=NOW).redeemed_at == NOW

    def test_the_customer_cancelling_gives_the_voucher_back(self, scene):
        voucher, order = self._placed(scene)

        order_cancel_by_customer(order=order, actor=scene.customer, now=NOW)

        assert Order.objects.get(pk=order.pk).state == OrderState.CANCELLED
        self.assert_usable_again(scene, voucher)

    def test_the_shop_refusing_gives_the_voucher_back(self, scene):
        voucher, order = self._placed(scene)

        order_refuse(order=order, actor=None, reason="Plus de croissants", now=NOW)

        self.assert_usable_again(scene, voucher)

    def test_a_release_happens_once(self, scene):
        voucher, order = self._placed(scene)

        assert voucher_release(order_id=order.pk) is not None
        assert voucher_release(order_id=order.pk) is None

        assert Deal.objects.get(pk=voucher.deal_id).redeemed_count == 0

    def test_an_order_without_voucher_releases_nothing_and_a_till_redemption_stays(self, scene):
        kept = claim(scene, percent=20, online=False)  # in the shop only: not for this order
        voucher_redeem(code=kept.code, shop=scene.bakery, now=NOW)
        checkout = place(scene, seen={})
        order = Order.objects.get(checkout=checkout, shop=scene.bakery)

        order_cancel_by_customer(order=order, actor=scene.customer, now=NOW)

        assert fresh(kept).redeemed_via == RedeemedVia.STORE
        assert Deal.objects.get(pk=kept.deal_id).redeemed_count == 1

    def test_the_voucher_given_back_applies_to_the_next_order(self, scene):
        voucher, order = self._placed(scene)
        order_cancel_by_customer(order=order, actor=scene.customer, now=NOW)
        for line in OrderLine.objects.filter(order__shop=scene.bakery):
            assert line.product is not None
            basket_add(basket=scene.basket, product=line.product, quantity=line.quantity)

        checkout = place(scene, token="tok-2", seen={scene.bakery.pk: (voucher.code, D("1.21"))})

        again = Order.objects.get(checkout=checkout, shop=scene.bakery)
        assert fresh(voucher).order_id == again.pk


def test_a_product_added_by_another_shop_does_not_change_the_voucher(city):
    # Discounts are per shop: a voucher of the bakery never touches another shop's lines.
    customer = make_user()
    bakery = collect_shop(city)
    butcher = collect_shop(city, name="Boucherie")
    bread = make_product(bakery, price=D("2.00"))
    steak = make_product(butcher, price=D("10.00"))
    basket = basket_for(city=city, user=customer, create=True)
    basket_add(basket=basket, product=bread)
    basket_add(basket=basket, product=steak)
    deal = make_deal(
        bakery, starts_at=NOW - timedelta(days=1), ends_at=NOW + timedelta(days=1), percent=50
    )
    voucher_claim(deal=deal, customer=customer, now=NOW)

    checkout = checkout_place(
        basket=basket,
        token="tok-shops",
        contact=CONTACT,
        choices={bakery.pk: collect_at(), butcher.pk: collect_at()},
        expected=None,
        now=NOW,
        customer=customer,
    )

    discounts = dict(checkout.orders.values_list("shop_id", "discount"))
    assert discounts == {bakery.pk: D("1.00"), butcher.pk: D("0.00")}

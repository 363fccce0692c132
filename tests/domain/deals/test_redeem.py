"""Redeeming a voucher: once, at its own shop, within the deal's days and hours."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import translation

from comptoir.domain.deals.errors import (
    DealExpired,
    DealOutsideHours,
    VoucherAlreadyRedeemed,
    VoucherNotFound,
    VoucherNotUsableHere,
    VoucherWrongShop,
)
from comptoir.domain.deals.models import Deal, RedeemedVia, Voucher
from comptoir.domain.deals.services import voucher_claim, voucher_redeem
from tests.concurrency import run_together
from tests.domain.deals.support import NOW, PARIS, make_deal
from tests.factories import make_shop, make_user


@pytest.mark.django_db
class TestRedeem:
    def test_a_voucher_is_redeemed_once_and_the_second_time_says_when_and_where(self, shop):
        voucher = voucher_claim(deal=make_deal(shop), customer=make_user(), now=NOW)
        till = make_user()

        used = voucher_redeem(code=voucher.code, shop=shop, now=NOW, actor=till)

        assert used.redeemed_at == NOW
        assert (used.redeemed_via, used.redeemed_by_id) == (RedeemedVia.STORE, till.pk)
        assert Deal.objects.get(pk=voucher.deal_id).redeemed_count == 1
        later = NOW + timedelta(hours=1)
        with translation.override("en"):
            with pytest.raises(VoucherAlreadyRedeemed) as refused:
                voucher_redeem(code=voucher.code, shop=shop, now=later)
            said = str(refused.value)
        assert said == f"This voucher was already used on 05/12 10:00 (at {shop.name})."
        with translation.override("fr"):
            with pytest.raises(VoucherAlreadyRedeemed) as refused:
                voucher_redeem(code=voucher.code, shop=shop, now=later)
            said = str(refused.value)
        assert said == f"Ce bon a déjà été utilisé le 05/12 10:00 (chez {shop.name})."

    def test_the_code_is_read_as_typed_at_a_counter(self, shop):
        voucher = voucher_claim(deal=make_deal(shop), customer=make_user(), now=NOW)
        typed = voucher.code.replace("-", " ").lower()

        assert voucher_redeem(code=typed, shop=shop, now=NOW).pk == voucher.pk

    def test_unknown_codes_and_other_shops_vouchers_are_refused(self, shop, city):
        voucher = voucher_claim(deal=make_deal(shop), customer=make_user(), now=NOW)
        with pytest.raises(VoucherNotFound):
            voucher_redeem(code="ABCD-EFGH", shop=shop, now=NOW)
        with pytest.raises(VoucherWrongShop) as refused:
            voucher_redeem(code=voucher.code, shop=make_shop(city), now=NOW)
        assert shop.name in str(refused.value)
        assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None

    def test_an_online_only_deal_is_refused_at_the_counter(self, shop):
        voucher = voucher_claim(
            deal=make_deal(shop, in_store=False, online=True), customer=make_user(), now=NOW
        )

        with pytest.raises(VoucherNotUsableHere):
            voucher_redeem(code=voucher.code, shop=shop, now=NOW)

    def test_weekdays_and_daily_hours_are_read_in_paris_time(self, shop):
        # Saturdays only (bit 5), from 9:00 to 12:00 Paris time.
        deal = make_deal(
            shop,
            weekdays=1 << 5,
            daily_from=time(9, 0),
            daily_until=time(12, 0),
            ends_at=NOW + timedelta(days=10),
        )
        code = voucher_claim(deal=deal, customer=make_user(), now=NOW).code
        saturday_8_59 = datetime(2026, 12, 5, 8, 59, tzinfo=PARIS)
        saturday_12_00 = datetime(2026, 12, 5, 12, 0, tzinfo=PARIS)
        sunday_10_00 = datetime(2026, 12, 6, 10, 0, tzinfo=PARIS)
        for moment in (saturday_8_59, saturday_12_00, sunday_10_00):
            with pytest.raises(DealOutsideHours):
                voucher_redeem(code=code, shop=shop, now=moment)
        # 8:30 UTC is 9:30 in Paris in December: inside the window.
        assert voucher_redeem(code=code, shop=shop, now=datetime(2026, 12, 5, 8, 30, tzinfo=UTC))

    def test_a_voucher_cannot_be_used_after_the_deal_ends(self, shop):
        deal = make_deal(shop, ends_at=NOW + timedelta(hours=1))
        code = voucher_claim(deal=deal, customer=make_user(), now=NOW).code

        with pytest.raises(DealExpired):
            voucher_redeem(code=code, shop=shop, now=NOW + timedelta(hours=1))


@pytest.mark.django_db(transaction=True)
class TestTwoTills:
    def test_control_without_the_guard_two_tills_both_redeem(self, shop):
        voucher = voucher_claim(deal=make_deal(shop), customer=make_user(), now=NOW)
        read_done = threading.Barrier(2)
        redeemed: list[int] = []

        def naive_redeem():
            used = Voucher.objects.values_list("redeemed_at", flat=True).get(pk=voucher.pk)
            read_done.wait()  # the other till reads "not used" too
            if used is None:
                Voucher.objects.filter(pk=voucher.pk).update(redeemed_at=NOW, redeemed_via="store")
                redeemed.append(1)

        run_together([naive_redeem, naive_redeem])

        assert len(redeemed) == 2  # the same voucher honoured twice

    def test_two_tills_racing_on_one_code_redeem_it_once(self, shop):
        voucher = voucher_claim(deal=make_deal(shop), customer=make_user(), now=NOW)

        results, errors = run_together(
            [lambda: voucher_redeem(code=voucher.code, shop=shop, now=NOW) for _ in range(2)]
        )

        assert len(results) == 1
        assert [type(error) for error in errors] == [VoucherAlreadyRedeemed]
        assert Deal.objects.get(pk=voucher.deal_id).redeemed_count == 1

    def test_a_till_and_an_online_order_racing_redeem_it_once(self, shop):
        voucher = voucher_claim(deal=make_deal(shop), customer=make_user(), now=NOW)

        results, errors = run_together(
            [
                lambda: voucher_redeem(code=voucher.code, shop=shop, now=NOW),
                lambda: voucher_redeem(
                    code=voucher.code, shop=shop, now=NOW, via=RedeemedVia.ONLINE
                ),
            ]
        )

        assert len(results) == 1
        assert len(errors) == 1
        assert isinstance(errors[0], VoucherAlreadyRedeemed)

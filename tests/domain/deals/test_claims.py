"""Claiming vouchers: caps and per-customer limits hold, also under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from comptoir.domain.deals.errors import (
    DealExpired,
    DealNotAvailable,
    DealNotStarted,
    DealSoldOut,
    VoucherLimitReached,
)
from comptoir.domain.deals.models import Deal, Voucher
from comptoir.domain.deals.services import (
    deal_end,
    deal_hide,
    deal_pause,
    deal_resume,
    voucher_claim,
)
from tests.concurrency import run_together
from tests.domain.deals.support import NOW, PARIS, make_deal
from tests.factories import make_user


@pytest.mark.django_db
class TestClaim:
    def test_a_claim_gives_a_short_readable_code_and_counts(self, shop):
        deal = make_deal(shop)

        voucher = voucher_claim(deal=deal, customer=make_user(), now=NOW)

        assert len(voucher.code) == 9
        assert voucher.code[4] == "-"
        assert not set(voucher.code) & set("01OIL")
        assert (voucher.number, voucher.shop_id) == (1, shop.pk)
        assert Deal.objects.get(pk=deal.pk).claimed_count == 1

    def test_the_cap_is_a_hard_limit(self, shop):
        deal = make_deal(shop, total_cap=2)
        voucher_claim(deal=deal, customer=make_user(), now=NOW)
        voucher_claim(deal=deal, customer=make_user(), now=NOW)

        with pytest.raises(DealSoldOut):
            voucher_claim(deal=deal, customer=make_user(), now=NOW)
        assert Voucher.objects.count() == 2

    def test_the_per_customer_limit(self, shop):
        deal = make_deal(shop, per_customer_limit=2)
        anne = make_user()
        voucher_claim(deal=deal, customer=anne, now=NOW)
        voucher_claim(deal=deal, customer=anne, now=NOW)

        with pytest.raises(VoucherLimitReached):
            voucher_claim(deal=deal, customer=anne, now=NOW)
        # The refused claim took nothing from the cap.
        assert Deal.objects.get(pk=deal.pk).claimed_count == 2

    def test_paused_ended_and_hidden_deals_cannot_be_claimed(self, shop):
        deal = make_deal(shop)
        deal_pause(deal=deal)
        with pytest.raises(DealNotAvailable):
            voucher_claim(deal=deal, customer=make_user(), now=NOW)
        deal_resume(deal=deal)
        deal_hide(deal=deal, reason="Photo trompeuse", now=NOW)
        with pytest.raises(DealNotAvailable):
            voucher_claim(deal=deal, customer=make_user(), now=NOW)
        other = make_deal(shop)
        deal_end(deal=other)
        with pytest.raises(DealNotAvailable):
            voucher_claim(deal=other, customer=make_user(), now=NOW)
        assert Voucher.objects.count() == 0

    def test_the_window_is_read_in_paris_time_across_its_boundaries(self, shop):
        # From Saturday 5 December 00:00 to Monday 7 December 00:00, Paris time.
        starts = datetime(2026, 12, 5, 0, 0, tzinfo=PARIS)
        ends = datetime(2026, 12, 7, 0, 0, tzinfo=PARIS)
        deal = make_deal(shop, starts_at=starts, ends_at=ends)
        just = timedelta(seconds=1)

        with pytest.raises(DealNotStarted):
            voucher_claim(deal=deal, customer=make_user(), now=starts - just)
        assert voucher_claim(deal=deal, customer=make_user(), now=starts)
        assert voucher_claim(deal=deal, customer=make_user(), now=ends - just)
        with pytest.raises(DealExpired):
            voucher_claim(deal=deal, customer=make_user(), now=ends)
        # 23:30 UTC on Sunday is already Monday 00:30 in Paris: over.
        with pytest.raises(DealExpired):
            voucher_claim(
                deal=deal, customer=make_user(), now=datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
            )


@pytest.mark.django_db(transaction=True)
class TestConcurrentClaims:
    def test_control_a_read_then_write_cap_check_gives_more_than_the_cap(self, shop):
        deal = make_deal(shop, total_cap=10)
        customers = [make_user() for _ in range(20)]
        read_done = threading.Barrier(20)
        codes = iter(range(1000, 2000))

        def naive_claim(customer):
            def run():
                claimed = Deal.objects.values_list("claimed_count", flat=True).get(pk=deal.pk)
                read_done.wait()  # everybody read "0 claimed of 10"
                if claimed < 10:
                    # The count written back is the one read: updates are lost too.
                    Deal.objects.filter(pk=deal.pk).update(claimed_count=claimed + 1)
                    Voucher.objects.create(
                        city_id=deal.city_id,
                        shop_id=shop.pk,
                        deal=deal,
                        customer=customer,
                        number=1,
                        code=f"NAIV-{next(codes)}",
                        claimed_at=NOW,
                    )

            return run

        run_together([naive_claim(c) for c in customers])

        assert Voucher.objects.filter(deal=deal).count() == 20  # twice the cap

    def test_fifty_customers_claiming_the_last_ten_vouchers_get_exactly_ten(self, shop):
        deal = make_deal(shop, total_cap=10)
        customers = [make_user() for _ in range(50)]

        results, errors = run_together(
            [partial(voucher_claim, deal=deal, customer=c, now=NOW) for c in customers]
        )

        assert len(results) == 10
        assert len(errors) == 40
        assert all(isinstance(error, DealSoldOut) for error in errors)
        assert Voucher.objects.filter(deal=deal).count() == 10
        assert Deal.objects.get(pk=deal.pk).claimed_count == 10

    def test_a_double_click_gives_one_customer_one_voucher(self, shop):
        deal = make_deal(shop, per_customer_limit=1)
        anne = make_user()

        results, errors = run_together(
            [lambda: voucher_claim(deal=deal, customer=anne, now=NOW) for _ in range(4)]
        )

        assert len(results) == 1
        assert {type(error) for error in errors} == {VoucherLimitReached}
        assert Voucher.objects.filter(deal=deal, customer=anne).count() == 1
        assert Deal.objects.get(pk=deal.pk).claimed_count == 1

"""The counter's check before redeeming: a read that says what the tap would do, and why not."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import translation

from comptoir.domain.deals.models import Voucher
from comptoir.domain.deals.selectors import CheckStatus, voucher_check
from comptoir.domain.deals.services import (
    deal_end,
    deal_hide,
    deal_pause,
    voucher_claim,
    voucher_redeem,
)
from tests.domain.deals.support import NOW, make_deal
from tests.factories import make_shop, make_user

pytestmark = pytest.mark.django_db


def claimed(shop, **fields):
    return voucher_claim(deal=make_deal(shop, **fields), customer=make_user(), now=NOW)


def test_a_valid_voucher_is_valid_typed_any_way_and_nothing_is_written(shop):
    voucher = claimed(shop)

    check = voucher_check(voucher.code.lower().replace("-", ""), shop, NOW)

    assert check.status == CheckStatus.VALID
    assert check.is_valid
    assert check.voucher == voucher
    assert check.deal == voucher.deal
    assert check.error is None
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None


def test_a_used_voucher_says_when_and_where(shop):
    voucher = claimed(shop)
    voucher_redeem(code=voucher.code, shop=shop, now=NOW)

    with translation.override("en"):
        check = voucher_check(voucher.code, shop, NOW + timedelta(hours=1))
        assert check.status == CheckStatus.USED
        assert str(check.error) == f"This voucher was already used on 05/12 10:00 (at {shop.name})."


def test_unknown_and_other_shops_codes(shop, city):
    voucher = claimed(shop)

    assert voucher_check("ZZZZ-ZZZZ", shop, NOW).status == CheckStatus.NOT_FOUND
    other = voucher_check(voucher.code, make_shop(city), NOW)
    assert other.status == CheckStatus.WRONG_SHOP
    assert shop.name in str(other.error)
    assert other.voucher is None  # another shop learns nothing of the deal


def test_an_online_only_deal_is_not_usable_in_store(shop):
    voucher = claimed(shop, in_store=False, online=True)

    assert voucher_check(voucher.code, shop, NOW).status == CheckStatus.NOT_IN_STORE


def test_the_deals_window_days_and_hours(shop):
    voucher = claimed(shop, ends_at=NOW + timedelta(hours=2))
    assert voucher_check(voucher.code, shop, NOW + timedelta(hours=2)).status == CheckStatus.EXPIRED
    later = voucher_claim(
        deal=make_deal(shop, starts_at=NOW - timedelta(hours=1), ends_at=NOW + timedelta(days=3)),
        customer=make_user(),
        now=NOW,
    )
    assert voucher_check(later.code, shop, NOW - timedelta(hours=2)).status == CheckStatus.NOT_YET
    # Saturdays 9:00–12:00 only; NOW is Saturday 10:00 in Paris.
    windowed = claimed(shop, weekdays=1 << 5, daily_from=time(9), daily_until=time(12))
    assert voucher_check(windowed.code, shop, NOW).status == CheckStatus.VALID
    afternoon = NOW + timedelta(hours=3)
    assert voucher_check(windowed.code, shop, afternoon).status == CheckStatus.NOT_TODAY
    sunday = NOW + timedelta(days=1)
    assert voucher_check(windowed.code, shop, sunday).status == CheckStatus.NOT_TODAY


def test_paused_hidden_and_ended_deals(shop):
    paused, hidden, ended = claimed(shop), claimed(shop), claimed(shop)
    deal_pause(deal=paused.deal)
    deal_hide(deal=hidden.deal, reason="Offre trompeuse", now=NOW)
    deal_end(deal=ended.deal)

    assert voucher_check(paused.code, shop, NOW).status == CheckStatus.UNAVAILABLE
    assert voucher_check(hidden.code, shop, NOW).status == CheckStatus.UNAVAILABLE
    assert voucher_check(ended.code, shop, NOW).status == CheckStatus.EXPIRED


def test_the_check_agrees_with_the_redeem(shop, city):
    """Every refusal of the check is the error the redeem raises at the same moment."""
    cases = [
        (claimed(shop, in_store=False, online=True).code, shop),
        (claimed(shop, weekdays=1 << 0).code, shop),
        (claimed(shop).code, make_shop(city)),
        ("ZZZZ-ZZZZ", shop),
    ]
    for code, where in cases:
        check = voucher_check(code, where, NOW)
        assert check.error is not None
        with pytest.raises(type(check.error)):
            voucher_redeem(code=code, shop=where, now=NOW)

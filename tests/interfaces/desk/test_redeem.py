"""Redeeming a voucher at the desk: check the code, read the verdict, one tap to confirm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from comptoir.domain.deals.models import Deal, RedeemedVia, Voucher
from comptoir.domain.deals.services import deal_pause, voucher_claim, voucher_redeem
from tests.concurrency import run_together
from tests.domain.deals.support import make_deal
from tests.factories import make_user
from tests.interfaces.desk.conftest import HTMX, bakery_url, cheese_url, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(scene, clock):
    return make_deal(
        scene.bakery,
        title="Galettes",
        starts_at=clock.now - timedelta(days=1),
        ends_at=clock.now + timedelta(days=2),
    )


@pytest.fixture
def voucher(deal, clock):
    return voucher_claim(deal=deal, customer=make_user(), now=clock.now)


def verdict(response) -> str:
    marker = 'data-verdict="'
    start = response.text.index(marker) + len(marker)
    return response.text[start : response.text.index('"', start)]


def test_the_desk_links_to_the_voucher_screen(desk_client, scene):
    response = desk_client.get(bakery_url(scene))

    assert bakery_url(scene, "vouchers/") in response.text


def test_the_screen_has_a_big_code_field_and_a_scan_button_without_inline_script(
    staff_client, scene
):
    response = staff_client.get(bakery_url(scene, "vouchers/"))

    assert response.status_code == 200
    assert 'name="code"' in response.text
    assert "data-voucher-scan" in response.text
    assert "vendor/jsqr/jsQR-1.4.0.js" in response.text
    assert "<script>" not in response.text
    assert "data-verdict" not in response.text


def test_staff_check_then_confirm_and_the_voucher_is_redeemed(staff_client, staff, scene, voucher):
    typed = voucher.code.lower().replace("-", "")

    check = staff_client.get(bakery_url(scene, "vouchers/"), {"code": typed})

    assert verdict(check) == "valid"
    assert "\N{MINUS SIGN}20 %" in check.text
    assert "Galettes" in check.text
    assert "data-voucher-confirm" in check.text
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None

    done = staff_client.post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code})

    assert done.status_code == 200
    assert verdict(done) == "redeemed"
    used = Voucher.objects.get(pk=voucher.pk)
    assert used.redeemed_via == RedeemedVia.STORE
    assert used.redeemed_by_id == staff.pk
    assert Deal.objects.get(pk=voucher.deal_id).redeemed_count == 1


def test_htmx_gets_the_verdict_alone(desk_client, scene, voucher):
    check = desk_client.get(bakery_url(scene, "vouchers/"), {"code": voucher.code}, **HTMX)
    done = desk_client.post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code}, **HTMX)

    assert (verdict(check), verdict(done)) == ("valid", "redeemed")
    assert "<html" not in check.text
    assert "<html" not in done.text


def test_a_scanned_link_or_spaced_code_is_read(desk_client, scene, voucher):
    for scanned in (f"https://example.fr/v/{voucher.code}/", f" {voucher.code.replace('-', ' ')} "):
        response = desk_client.get(bakery_url(scene, "vouchers/"), {"code": scanned})
        assert verdict(response) == "valid", scanned


def test_an_already_used_voucher_says_when_and_where(desk_client, scene, voucher, clock):
    voucher_redeem(code=voucher.code, shop=scene.bakery, now=clock.now)

    check = desk_client.get(bakery_url(scene, "vouchers/"), {"code": voucher.code})
    tap = desk_client.post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code})

    for response in (check, tap):
        assert verdict(response) == "used"
        assert "already used on 10/03 09:02" in response.text
        assert scene.bakery.name in response.text
        assert "data-voucher-confirm" not in response.text


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("expired", "expired"),
        ("not_yet", "not_yet"),
        ("not_today", "not_today"),
        ("paused", "unavailable"),
        ("online_only", "not_in_store"),
    ],
)
def test_each_refusal_has_its_verdict_and_nothing_is_redeemed(
    desk_client, scene, clock, setup, expected
):
    fields = {"starts_at": clock.now - timedelta(days=1), "ends_at": clock.now + timedelta(days=2)}
    if setup == "not_today":
        weekday = clock.now.weekday()
        fields["weekdays"] = 0b1111111 & ~(1 << weekday)
    if setup == "online_only":
        fields |= {"in_store": False, "online": True}
    deal = make_deal(scene.bakery, **fields)
    voucher = voucher_claim(deal=deal, customer=make_user(), now=clock.now)
    if setup == "paused":
        deal_pause(deal=deal)
    if setup == "expired":
        clock.advance(days=3)
    if setup == "not_yet":
        Deal.objects.filter(pk=deal.pk).update(starts_at=clock.now + timedelta(hours=2))

    check = desk_client.get(bakery_url(scene, "vouchers/"), {"code": voucher.code})
    tap = desk_client.post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code})

    assert verdict(check) == verdict(tap) == expected
    assert "data-voucher-confirm" not in check.text
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None


def test_unknown_codes_and_other_shops_vouchers(desk_client, cheesemonger, scene, voucher):
    unknown = desk_client.get(bakery_url(scene, "vouchers/"), {"code": "ZZZZ-ZZZZ"})
    elsewhere = logged_in(cheesemonger).get(cheese_url(scene, "vouchers/"), {"code": voucher.code})
    tap = logged_in(cheesemonger).post(
        cheese_url(scene, "vouchers/redeem/"), {"code": voucher.code}
    )

    assert verdict(unknown) == "not_found"
    assert verdict(elsewhere) == verdict(tap) == "wrong_shop"
    assert "Galettes" not in elsewhere.text  # another shop learns nothing of the deal
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None


def test_garbage_input_is_a_verdict_not_a_500(desk_client, scene):
    for code in ("", "   ", "é" * 500, "////", "<script>"):
        check = desk_client.get(bakery_url(scene, "vouchers/"), {"code": code})
        tap = desk_client.post(bakery_url(scene, "vouchers/redeem/"), {"code": code})
        assert check.status_code == tap.status_code == 200, code


def test_strangers_cannot_use_the_screen(scene, voucher):
    customer = logged_in(make_user())

    assert customer.get(bakery_url(scene, "vouchers/")).status_code == 404
    assert (
        customer.post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code}).status_code
        == 404
    )
    anonymous = Client().post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code})
    assert anonymous.status_code == 302
    assert Voucher.objects.get(pk=voucher.pk).redeemed_at is None


@pytest.mark.django_db(transaction=True)
def test_two_tills_confirming_at_once_redeem_once(owner, staff, scene, voucher):
    tills = [logged_in(owner), logged_in(staff)]

    def confirm(till):
        return lambda: verdict(
            till.post(bakery_url(scene, "vouchers/redeem/"), {"code": voucher.code})
        )

    results, errors = run_together([confirm(till) for till in tills])

    assert errors == []
    assert sorted(results) == ["redeemed", "used"]
    assert Deal.objects.get(pk=voucher.deal_id).redeemed_count == 1

"""My vouchers: the list (usable first), one voucher with its QR code; nobody else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from comptoir.domain.deals.qr import voucher_qr_svg
from comptoir.domain.deals.services import deal_pause, voucher_claim, voucher_redeem
from comptoir.interfaces.accounts import voucher_views
from tests.domain.deals.support import NOW, make_deal
from tests.factories import make_shop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    monkeypatch.setattr(voucher_views, "current_time", lambda: NOW)


def claim(deal, customer, now=NOW):
    return voucher_claim(deal=deal, customer=customer, now=now)


def card_titles(html: str) -> list[str]:
    return re.findall(r'<span class="voucher-card__title">([^<]+)</span>', html)


def test_my_vouchers_come_usable_first_then_used_and_expired(en, anne, shop):
    soon = make_deal(shop, title="Soon over", ends_at=NOW + timedelta(hours=3))
    later = make_deal(shop, title="Later", ends_at=NOW + timedelta(days=5))
    used = make_deal(shop, title="Used")
    paused = make_deal(shop, title="Paused")
    for deal in (later, soon, used, paused):
        claim(deal, anne)
    voucher_redeem(code=used.vouchers.get().code, shop=shop, now=NOW)
    deal_pause(deal=paused)
    en.force_login(anne)

    html = en.get("/account/vouchers/").content.decode()

    usable, past = html.split("Used or expired")
    assert card_titles(usable) == ["Soon over", "Later"]
    assert set(card_titles(past)) == {"Used", "Paused"}
    assert "Ready to use" in usable
    assert re.search(r"voucher-status--used\">Used<", past)
    assert re.search(r"voucher-status--not_now\">Not usable right now<", past)


def test_no_voucher_yet_says_so(en, anne):
    en.force_login(anne)

    assert "You have no voucher yet." in en.get("/account/vouchers/").content.decode()


def test_the_vouchers_need_a_log_in(client):
    response = client.get("/account/vouchers/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=/account/vouchers/")


def test_a_voucher_shows_its_code_big_and_its_qr_code_as_svg(en, anne, shop):
    deal = make_deal(shop, title="Galettes", terms="One per visit.")
    voucher = claim(deal, anne)
    en.force_login(anne)

    response = en.get(f"/account/vouchers/{voucher.code}/")

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert f'<p class="voucher__code pickup-code">{voucher.code}</p>' in html
    assert voucher_qr_svg(voucher.code) in html  # segno's symbol of this very code
    assert html.count('<svg viewBox="0 0 25 25" class="voucher__qr"') == 1  # a full QR code
    assert "One per visit." in html
    assert shop.street in html
    assert "From Friday 4 December, 10:00 to Monday 7 December, 10:00" in html
    assert "voucher-status--valid" in html


def test_a_used_voucher_says_when_and_where_it_was_used(en, anne, shop):
    voucher = claim(make_deal(shop), anne)
    voucher_redeem(code=voucher.code, shop=shop, now=NOW + timedelta(minutes=5))
    en.force_login(anne)

    html = en.get(f"/account/vouchers/{voucher.code}/").content.decode()

    assert f"Used on Saturday 5 December at 10:05, at {shop.name}." in html
    assert "voucher-status--used" in html


def test_an_expired_voucher_says_it_is_over(en, anne, shop, monkeypatch):
    voucher = claim(make_deal(shop, ends_at=NOW + timedelta(hours=1)), anne)
    monkeypatch.setattr(voucher_views, "current_time", lambda: NOW + timedelta(hours=2))
    en.force_login(anne)

    html = en.get(f"/account/vouchers/{voucher.code}/").content.decode()

    assert "This deal is over: the voucher cannot be used any more." in html


def test_someone_elses_voucher_is_a_404(client, anne, shop):
    voucher = claim(make_deal(shop), make_user())
    client.force_login(anne)

    assert client.get(f"/account/vouchers/{voucher.code}/").status_code == 404
    assert client.get("/account/vouchers/NOPE-NOPE/").status_code == 404


def test_the_account_home_links_to_my_vouchers(en, anne):
    en.force_login(anne)

    assert 'href="/account/vouchers/"' in en.get("/account/").content.decode()


def test_the_list_renders_in_a_fixed_number_of_queries(
    client, anne, city, django_assert_num_queries
):
    for n in range(5):
        claim(make_deal(make_shop(city), title=f"Deal {n}"), anne)
    client.force_login(anne)
    # session, user, vouchers with deal, shop, city, order (no free item: no prefetch)
    with django_assert_num_queries(3):
        html = client.get("/account/vouchers/").content.decode()
    assert len(card_titles(html)) == 5

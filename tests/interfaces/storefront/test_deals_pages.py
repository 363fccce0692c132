"""The customer's deals pages: the list and its filters, one deal, claiming it in one tap;
the deals strip of the city home and the deals of a shop's page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from comptoir.domain.deals.models import Deal, Voucher
from comptoir.domain.deals.services import deal_hide, deal_pause, voucher_claim
from comptoir.domain.shops.models import Trade
from tests.domain.deals.support import NOW, make_deal
from tests.factories import make_city, make_opening_hours, make_shop, make_user

pytestmark = pytest.mark.django_db
SATURDAY = 5


@pytest.fixture(autouse=True)
def frozen(freeze_storefront_clock):
    return freeze_storefront_clock(NOW)


@pytest.fixture
def en(client: Client) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def card_titles(html: str) -> list[str]:
    return re.findall(r'<a class="deal-card__link" href="[^"]+">([^<]+)</a>', html)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- The list and its filters ---------------------------------------------------------


def test_the_deals_page_lists_the_citys_deals_ending_soonest_first(en, city, shop):
    make_deal(shop, title="Weekend", ends_at=NOW + timedelta(days=2))
    make_deal(shop, title="Tonight", ends_at=NOW + timedelta(hours=8))
    deal_pause(deal=make_deal(shop, title="Paused"))

    html = page(en, "/rouen/deals/")

    assert card_titles(html) == ["Tonight", "Weekend"]
    assert "\u221220 %" in html  # the offer badge
    assert "Ends in 8\xa0hours" in html


def test_it_filters_by_trade_with_chips_counting_each_trade(en, city, shop):
    florist = make_shop(city, trade=Trade.FLORIST, name="Les Tulipes")
    make_deal(shop, title="Galettes")
    make_deal(florist, title="Tulipes")

    html = page(en, "/rouen/deals/?trade=florist")

    assert card_titles(html) == ["Tulipes"]
    assert re.search(r'aria-current="page">Florist <span class="shelf-nav__count">1</span>', html)
    assert "Bakery" in html  # the other chip stays, to switch trade


def test_an_unknown_trade_is_ignored_with_a_message(en, city, shop):
    make_deal(shop, title="Galettes")

    html = page(en, "/rouen/deals/?trade=dragons")

    assert card_titles(html) == ["Galettes"]
    assert "That trade is unknown: showing every trade." in html


def test_it_filters_the_deals_ending_soon(en, city, shop):
    make_deal(shop, title="Tonight", ends_at=NOW + timedelta(hours=8))
    make_deal(shop, title="Next month", ends_at=NOW + timedelta(days=30))

    html = page(en, "/rouen/deals/?ending=1")

    assert card_titles(html) == ["Tonight"]
    assert re.search(r'href="\?"[^>]*aria-pressed="true"[^>]*>Ending soon<', html)


def test_it_filters_the_shops_open_now_in_city_time(en, city, shop):
    florist = make_shop(city, trade=Trade.FLORIST)
    # Saturday 10:00 in Rouen: the bakery opened at 7:00, the florist opens at 14:00.
    make_opening_hours(shop, SATURDAY, "07:00", "19:00")
    make_opening_hours(florist, SATURDAY, "14:00", "19:00")
    make_deal(shop, title="Galettes")
    make_deal(florist, title="Tulipes")

    assert card_titles(page(en, "/rouen/deals/?open=1")) == ["Galettes"]


def test_near_me_sorts_by_distance_and_shows_it(en, city):
    here = make_shop(city, latitude=Decimal("49.440800"), longitude=Decimal("1.092100"))
    across = make_shop(city, latitude=Decimal("49.450000"), longitude=Decimal("1.092100"))
    far = make_shop(city, latitude=Decimal("49.800000"), longitude=Decimal("1.092100"))
    make_deal(across, title="Across town", ends_at=NOW + timedelta(hours=2))
    make_deal(here, title="Next door")
    make_deal(far, title="Far away")

    html = page(en, "/rouen/deals/?lat=49.4408&lng=1.0921")

    assert card_titles(html) == ["Next door", "Across town"]
    assert re.findall(r'class="deal-card__distance">([^<]+)<', html) == [
        "0.0 km away",
        "1.0 km away",
    ]
    assert "Nearest first, within 10 km of you." in html


@pytest.mark.parametrize(
    "query", ["lat=abc&lng=1", "lat=91&lng=1", "lat=nan&lng=1", "lat=49.4", "lng=1&lat=1e999"]
)
def test_an_unreadable_position_is_ignored_with_a_message(en, city, shop, query):
    make_deal(shop, title="Galettes")

    html = page(en, f"/rouen/deals/?{query}")

    assert card_titles(html) == ["Galettes"]
    assert "We could not read your position: showing every deal." in html
    assert "deal-card__distance" not in html


def test_the_near_me_button_is_a_static_script_and_hidden_without_it(en, city):
    html = page(en, "/rouen/deals/")

    assert re.search(r"<button[^>]*data-deals-near[^>]*hidden", html)
    assert "/static/js/deals_near.js" in html


def test_an_empty_list_says_so_and_offers_to_clear_the_filters(en, city):
    assert "No deal in town right now." in page(en, "/rouen/deals/")
    html = page(en, "/rouen/deals/?open=1")
    assert "No deal matches these filters right now." in html
    assert 'href="?">Show every deal' in html


def test_the_deals_page_of_an_unknown_city_is_a_404(client, city):
    assert client.get("/nowhere/deals/").status_code == 404


def test_the_list_renders_in_a_fixed_number_of_queries(
    client, city, shop, django_assert_num_queries
):
    for n in range(6):
        make_deal(make_shop(city), title=f"Deal {n}")
    # The city, then its deals with their shops (no free item: no prefetch query).
    with django_assert_num_queries(2):
        html = page(client, "/rouen/deals/")
    assert len(card_titles(html)) == 6


# --- One deal -------------------------------------------------------------------------


def test_a_deal_page_shows_the_offer_validity_in_city_time_and_terms_and_counts_a_view(
    en, city, shop
):
    deal = make_deal(
        shop,
        title="Galettes du samedi",
        terms="One per visit.",
        weekdays=0b1100000,
        total_cap=10,
        online=False,
    )

    html = text(page(en, f"/rouen/deals/{deal.pk}/"))

    assert "\u221220 %" in html
    assert "Galettes du samedi" in html
    assert shop.name in html
    assert "From Friday 4 December, 10:00 to Monday 7 December, 10:00" in html
    assert "On Saturday, Sunday" in html
    assert "In the shop only" in html
    assert "10 left · 1 per customer" in html
    assert "One per visit." in html
    deal.refresh_from_db()
    assert deal.view_count == 1


@pytest.mark.parametrize("why", ["hidden", "ended", "paused", "not started", "other city"])
def test_a_deal_customers_may_not_see_is_a_404(client, city, shop, why):
    deal = make_deal(shop)
    if why == "hidden":
        deal_hide(deal=deal, reason="Photo trompeuse", now=NOW)
    elif why == "ended":
        Deal.objects.filter(pk=deal.pk).update(ends_at=NOW, starts_at=NOW - timedelta(days=2))
    elif why == "paused":
        deal_pause(deal=deal)
    elif why == "not started":
        Deal.objects.filter(pk=deal.pk).update(starts_at=NOW + timedelta(hours=1))
    else:
        make_city(slug="caen", name="Caen")
        assert client.get(f"/caen/deals/{deal.pk}/").status_code == 404
        return

    assert client.get(f"/rouen/deals/{deal.pk}/").status_code == 404
    deal.refresh_from_db()
    assert deal.view_count == 0


def test_an_unknown_deal_is_a_404(client, city):
    assert client.get("/rouen/deals/999999/").status_code == 404


# --- Claiming -------------------------------------------------------------------------


def test_claiming_logged_in_gives_a_voucher_and_opens_its_page(en, city, shop, mailoutbox):
    deal = make_deal(shop)
    anne = make_user(email="anne@example.fr")
    en.force_login(anne)

    response = en.post(f"/rouen/deals/{deal.pk}/claim/", follow=True)

    voucher = Voucher.objects.get(customer=anne)
    assert response.redirect_chain == [(f"/account/vouchers/{voucher.code}/", 302)]
    html = response.content.decode()
    assert f"Your voucher is ready: show this code at {shop.name}." in html
    assert voucher.code in html


def test_claiming_anonymously_asks_to_log_in_then_comes_back_to_the_deal(client, city, shop):
    deal = make_deal(shop)

    response = client.post(f"/rouen/deals/{deal.pk}/claim/")

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next=/rouen/deals/{deal.pk}/"
    assert not Voucher.objects.exists()


def test_a_sold_out_deal_says_so_in_english(en, city, shop):
    deal = make_deal(shop, total_cap=1)
    voucher_claim(deal=deal, customer=make_user(), now=NOW)
    en.force_login(make_user())

    response = en.post(f"/rouen/deals/{deal.pk}/claim/", follow=True)

    # A deal with no voucher left drops out of the lists but its page still answers.
    assert response.redirect_chain == [(f"/rouen/deals/{deal.pk}/", 302)]
    html = response.content.decode()
    assert "All the vouchers of this deal have been claimed." in html
    assert "All vouchers claimed" in html  # no claim button any more
    assert Voucher.objects.count() == 1


def test_a_second_claim_over_the_limit_says_so_and_gives_nothing(en, city, shop):
    deal = make_deal(shop)
    anne = make_user()
    voucher_claim(deal=deal, customer=anne, now=NOW)
    en.force_login(anne)

    response = en.post(f"/rouen/deals/{deal.pk}/claim/", follow=True)

    assert "You already have as many vouchers of this deal as allowed." in response.content.decode()
    assert Voucher.objects.filter(customer=anne).count() == 1


def test_claiming_a_deal_that_just_ended_says_so(en, city, shop):
    deal = make_deal(shop)
    Deal.objects.filter(pk=deal.pk).update(ends_at=NOW, starts_at=NOW - timedelta(days=2))
    en.force_login(make_user())

    response = en.post(f"/rouen/deals/{deal.pk}/claim/", follow=True)

    assert response.redirect_chain == [("/rouen/deals/", 302)]
    assert "This deal does not exist or is no longer shown." in response.content.decode()
    assert not Voucher.objects.exists()


def test_claiming_needs_a_post(client, city, shop):
    deal = make_deal(shop)
    client.force_login(make_user())

    assert client.get(f"/rouen/deals/{deal.pk}/claim/").status_code == 405
    assert not Voucher.objects.exists()


# --- The city home's strip and the shop's page ------------------------------------------


def test_the_city_home_shows_a_strip_of_current_deals_and_links_to_all(en, city, shop):
    make_deal(shop, title="Galettes")
    deal_pause(deal=make_deal(shop, title="Paused"))

    html = page(en, "/rouen/")

    strip = html.split('class="deals-strip"', 1)[1].split("</section>", 1)[0]
    assert card_titles(strip) == ["Galettes"]
    assert 'href="/rouen/deals/">All deals</a>' in strip


def test_the_city_home_without_deals_still_links_to_the_deals_page(en, city, shop):
    html = page(en, "/rouen/")

    assert 'class="deals-strip"' not in html
    assert 'href="/rouen/deals/"' in html


def test_the_shop_page_shows_its_current_deals(en, city, shop):
    make_deal(shop, title="Galettes")
    make_deal(make_shop(city), title="Elsewhere")
    deal_hide(deal=make_deal(shop, title="Hidden"), reason="Non", now=NOW)

    html = page(en, f"/rouen/{shop.slug}/")

    assert card_titles(html) == ["Galettes"]


@pytest.mark.parametrize("deal_count", [1, 6])
def test_the_strip_costs_two_queries_whatever_the_number_of_deals(
    client, city, deal_count, django_assert_num_queries
):
    from tests.factories import make_product

    for n in range(deal_count):
        shop = make_shop(city)
        make_deal(shop, title=f"Free {n}", kind="free_item", free_product=make_product(shop))
    # The city home's six (see test_city_home.py), and the free items' names.
    with django_assert_num_queries(7):
        html = page(client, "/rouen/")
    assert len(card_titles(html)) == deal_count

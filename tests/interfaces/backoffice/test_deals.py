"""The shop's deals: the one-screen form, preview, pause/resume/end, duplicate, figures."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client

from comptoir.domain.deals.models import Deal, DealKind, DealState
from comptoir.domain.deals.services import deal_hide, voucher_claim, voucher_redeem
from tests.domain.deals.support import NOW, PARIS, make_deal
from tests.factories import make_product, make_shop, make_user
from tests.interfaces.backoffice.catalogue_support import as_owner, as_staff, jpeg, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(headers={"Accept-Language": "en"})


@pytest.fixture(autouse=True)
def clock():
    with mock.patch(
        "comptoir.interfaces.backoffice.shop_views.current_time", return_value=NOW
    ) as patched:
        yield patched


def form_data(**overrides):
    data = {
        "mode": "new",
        "title": "-20 % sur les galettes",
        "description": "Tout le week-end",
        "kind": "percent_off",
        "percent": "20",
        "amount": "",
        "free_product": "",
        "buy_quantity": "",
        "pay_quantity": "",
        "scope": "shop",
        "starts_at": "2026-12-05T08:00",
        "ends_at": "2026-12-07T19:00",
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
        "daily_from": "",
        "daily_until": "",
        "total_cap": "100",
        "per_customer_limit": "1",
        "in_store": "on",
        "online": "on",
        "terms": "Non cumulable",
    }
    return data | overrides


def paris(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# --- Access --------------------------------------------------------------------------------


def test_staff_get_the_owner_only_page_on_every_deal_screen(client, shop):
    deal = make_deal(shop)
    as_staff(client, shop)

    for name, args in [
        ("deals", []),
        ("deal_new", []),
        ("deal_edit", [deal.pk]),
        ("deal_duplicate", [deal.pk]),
        ("deal_figures", [deal.pk]),
    ]:
        assert client.get(url(shop, name, *args)).status_code == 403, name
    for name in ("deal_pause", "deal_end"):
        assert client.post(url(shop, name, deal.pk)).status_code == 403, name
    assert client.post(url(shop, "deal_preview"), form_data()).status_code == 403
    assert client.post(url(shop, "deal_new"), form_data()).status_code == 403
    assert Deal.objects.get(pk=deal.pk).state == DealState.LIVE
    assert Deal.objects.count() == 1


def test_another_shops_deal_is_not_found(client, shop, city):
    other = make_deal(make_shop(city))
    as_owner(client, shop)

    assert client.get(url(shop, "deal_edit", other.pk)).status_code == 404
    assert client.post(url(shop, "deal_pause", other.pk)).status_code == 404
    assert Deal.objects.get(pk=other.pk).state == DealState.LIVE


def test_the_deals_screen_is_linked_from_the_owners_home_and_tabs(client, shop):
    as_owner(client, shop)

    response = client.get(f"/shop/{shop.city.slug}/{shop.slug}/")

    assert url(shop, "deals") in response.text


# --- The list ------------------------------------------------------------------------------


def test_the_list_shows_state_period_claims_and_the_operators_reason(client, shop):
    live = make_deal(shop, title="Galettes", total_cap=100)
    voucher_claim(deal=live, customer=make_user(), now=NOW)
    used = voucher_claim(deal=live, customer=make_user(), now=NOW)
    voucher_redeem(code=used.code, shop=shop, now=NOW)
    hidden = make_deal(shop, title="Chouquettes")
    deal_hide(deal=hidden, reason="Photo sans rapport avec l'offre", now=NOW)
    as_owner(client, shop)

    response = client.get(url(shop, "deals"))

    assert response.status_code == 200
    text = response.text
    row = text[text.index(f'data-deal="{live.pk}"') :]
    assert re.search(r"data-claimed>\s*2 / 100", row)
    assert re.search(r"data-redeemed>\s*1<", row)
    assert "From 4 Dec, 10:00 to 7 Dec, 10:00" in row
    assert "Photo sans rapport avec l&#x27;offre" in text
    assert text.count("data-hidden") == 1


def test_the_list_reads_in_a_fixed_number_of_queries(client, shop, django_assert_max_num_queries):
    for n in range(5):
        make_deal(
            shop, title=f"Offert {n}", kind=DealKind.FREE_ITEM, free_product=make_product(shop)
        )
    as_owner(client, shop)

    with django_assert_max_num_queries(8):
        response = client.get(url(shop, "deals"))

    assert response.text.count("data-deal=") == 5


# --- The form: each kind ---------------------------------------------------------------------


def test_the_owner_sees_the_form_with_the_shops_products(client, shop):
    make_product(shop, name="Croissant")
    make_product(make_shop(shop.city), name="Comté")
    as_owner(client, shop)

    response = client.get(url(shop, "deal_new"))

    assert response.status_code == 200
    assert "Croissant" in response.text
    assert "Comté" not in response.text
    assert 'value="2026-12-05T11:00"' in response.text  # next full hour, Paris time
    assert "backoffice/deals.js" in response.text


def test_a_percentage_off_is_published_in_paris_time(client, shop):
    as_owner(client, shop)

    response = client.post(url(shop, "deal_new"), form_data())

    assert response.status_code == 302
    deal = Deal.objects.get()
    assert (deal.kind, deal.percent, deal.total_cap) == (DealKind.PERCENT_OFF, 20, 100)
    assert deal.starts_at == paris(2026, 12, 5, 8, 0)
    assert deal.ends_at == paris(2026, 12, 7, 19, 0)
    assert (deal.whole_shop, deal.in_store, deal.online) == (True, True, True)
    assert deal.state == DealState.LIVE
    assert deal.terms == "Non cumulable"


def test_an_amount_off_on_some_products_with_days_and_hours(client, shop):
    galette = make_product(shop, name="Galette")
    make_product(shop, name="Pain")
    as_owner(client, shop)

    response = client.post(
        url(shop, "deal_new"),
        form_data(
            kind="amount_off",
            percent="",
            amount="3,50",
            scope="products",
            products=[str(galette.pk)],
            weekdays=["5", "6"],
            daily_from="15:00",
            daily_until="18:00",
            online="",
        ),
    )

    assert response.status_code == 302
    deal = Deal.objects.get()
    assert (deal.kind, deal.amount, deal.percent) == (DealKind.AMOUNT_OFF, Decimal("3.50"), None)
    assert not deal.whole_shop
    assert list(deal.products.all()) == [galette]
    assert deal.weekdays == (1 << 5) | (1 << 6)
    assert (deal.daily_from, deal.daily_until) == (time(15), time(18))
    assert (deal.in_store, deal.online) == (True, False)


def test_a_free_item_and_an_n_for_m(client, shop):
    coffee = make_product(shop, name="Café")
    as_owner(client, shop)

    free = client.post(
        url(shop, "deal_new"),
        form_data(title="Café offert", kind="free_item", percent="", free_product=str(coffee.pk)),
    )
    three = client.post(
        url(shop, "deal_new"),
        form_data(title="3 pour 2", kind="n_for_m", buy_quantity="3", pay_quantity="2"),
    )

    assert (free.status_code, three.status_code) == (302, 302)
    assert Deal.objects.get(title="Café offert").free_product == coffee
    n_for_m = Deal.objects.get(title="3 pour 2")
    assert (n_for_m.buy_quantity, n_for_m.pay_quantity, n_for_m.percent) == (3, 2, None)


def test_a_photo_is_cleaned_and_stored(client, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    as_owner(client, shop)

    response = client.post(url(shop, "deal_new"), form_data(photo=jpeg()))

    assert response.status_code == 302
    deal = Deal.objects.get()
    assert str(deal.photo.name).endswith(".webp")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2026-12-04T08:00"}, "ends_at", "The end must come after the start."),
        ({"percent": ""}, "percent", "Needed for this kind of deal."),
        ({"percent": "120"}, "percent", "less than or equal to 100"),
        (
            {"kind": "n_for_m", "buy_quantity": "2", "pay_quantity": "3"},
            "buy_quantity",
            "Customers must take more than they pay for",
        ),
        ({"in_store": "", "online": ""}, "in_store", "Tick in the shop, online, or both."),
        ({"daily_from": "18:00", "daily_until": ""}, "daily_until", "Give both hours"),
        ({"weekdays": []}, "weekdays", "Tick at least one day."),
        ({"scope": "products"}, "products", "Tick at least one product"),
        ({"starts_at": "soon"}, "starts_at", "Enter a valid date/time."),
        # 2:30 does not exist in Paris on the night clocks go forward.
        ({"starts_at": "2027-03-28T02:30", "ends_at": "2027-04-01T10:00"}, "starts_at", "2:30"),
        ({"amount": "3,5O", "kind": "amount_off"}, "amount", "not a number"),
        ({"kind": "free_item", "free_product": "999999"}, "free_product", "valid choice"),
        ({"photo": "not-an-image"}, "photo", "not a photo we can use"),
    ],
)
def test_bad_input_is_said_on_the_field_and_nothing_is_saved(
    client, shop, overrides, field, message
):
    as_owner(client, shop)
    data = form_data(**overrides)
    if overrides.get("photo"):
        data["photo"] = jpeg()
        data["photo"].write(b"garbage")  # still named .jpg, but not one
        data["photo"].seek(0)
        data["photo"].truncate(10)

    response = client.post(url(shop, "deal_new"), data)

    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert Deal.objects.count() == 0


def test_another_shops_product_cannot_be_chosen(client, shop):
    theirs = make_product(make_shop(shop.city))
    as_owner(client, shop)

    response = client.post(
        url(shop, "deal_new"), form_data(scope="products", products=[str(theirs.pk)])
    )

    assert response.status_code == 422
    assert Deal.objects.count() == 0


def test_editing_keeps_the_counts_and_changes_the_offer(client, shop):
    deal = make_deal(shop, title="Galettes")
    voucher_claim(deal=deal, customer=make_user(), now=NOW)
    as_owner(client, shop)

    page = client.get(url(shop, "deal_edit", deal.pk))
    response = client.post(
        url(shop, "deal_edit", deal.pk),
        form_data(mode=f"edit:{deal.pk}", title="Galettes -30", percent="30"),
    )

    assert page.status_code == 200
    assert 'value="2026-12-04T10:00"' in page.text  # the start, in Paris time
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.title, deal.percent, deal.claimed_count) == ("Galettes -30", 30, 1)


# --- Preview ---------------------------------------------------------------------------------


def test_the_preview_shows_the_customers_card_without_saving(client, shop):
    as_owner(client, shop)

    page = client.post(url(shop, "deal_preview"), form_data())
    fragment = client.post(url(shop, "deal_preview"), form_data(), headers={"HX-Request": "true"})

    assert page.status_code == fragment.status_code == 200
    for response in (page, fragment):
        assert 'class="deal-card' in response.text
        assert "-20 % sur les galettes" in response.text
        assert "deal-card__link" not in response.text  # no link to a page that does not exist
    assert "<form" in page.text
    assert "<form" not in fragment.text
    assert Deal.objects.count() == 0


def test_the_preview_of_an_incomplete_form_lists_what_is_missing(client, shop):
    as_owner(client, shop)

    response = client.post(
        url(shop, "deal_preview"), form_data(percent=""), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "Needed for this kind of deal." in response.text
    assert 'class="deal-card' not in response.text


# --- Pause, resume, end, duplicate -------------------------------------------------------------


def test_pause_resume_and_end(client, shop):
    deal = make_deal(shop)
    as_owner(client, shop)

    client.post(url(shop, "deal_pause", deal.pk))
    assert Deal.objects.get(pk=deal.pk).state == DealState.PAUSED
    client.post(url(shop, "deal_resume", deal.pk))
    assert Deal.objects.get(pk=deal.pk).state == DealState.LIVE
    client.post(url(shop, "deal_end", deal.pk))
    assert Deal.objects.get(pk=deal.pk).state == DealState.ENDED

    again = client.post(url(shop, "deal_resume", deal.pk), follow=True)

    assert again.status_code == 200
    assert "cannot be changed this way any more" in again.text
    assert Deal.objects.get(pk=deal.pk).state == DealState.ENDED


def test_the_list_asks_before_ending_and_uses_post_buttons(client, shop):
    deal = make_deal(shop)
    as_owner(client, shop)

    response = client.get(url(shop, "deals"))

    assert "End this deal for good?" in response.text
    assert f'action="{url(shop, "deal_end", deal.pk)}"' in response.text
    assert client.get(url(shop, "deal_end", deal.pk)).status_code == 405


def test_duplicate_opens_the_form_with_new_dates_and_saves_a_new_deal(
    client, shop, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    croissant = make_product(shop, name="Croissant")
    as_owner(client, shop)
    client.post(
        url(shop, "deal_new"),
        form_data(scope="products", products=[str(croissant.pk)], photo=jpeg()),
    )
    original = Deal.objects.get()

    page = client.get(url(shop, "deal_duplicate", original.pk))

    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["title"] == original.title
    # The next full hour, shown as it is in Paris.
    assert initial["starts_at"] == paris(2026, 12, 5, 11, 0).replace(tzinfo=None)
    assert initial["ends_at"] - initial["starts_at"] == original.ends_at - original.starts_at
    response = client.post(
        url(shop, "deal_duplicate", original.pk),
        form_data(
            mode=f"duplicate:{original.pk}",
            scope="products",
            products=[str(croissant.pk)],
            starts_at="2026-12-12T08:00",
            ends_at="2026-12-14T19:00",
        ),
    )

    assert response.status_code == 302
    copy = Deal.objects.exclude(pk=original.pk).get()
    assert copy.starts_at == paris(2026, 12, 12, 8, 0)
    assert list(copy.products.all()) == [croissant]
    assert copy.photo
    assert copy.photo.name != original.photo.name
    assert copy.claimed_count == 0


# --- Figures -----------------------------------------------------------------------------------


def test_the_figures_and_the_chart_render(client, shop):
    deal = make_deal(shop)  # from 4 Dec 10:00 to 7 Dec 10:00, "now" 5 Dec 10:00
    first = voucher_claim(deal=deal, customer=make_user(), now=NOW - timedelta(hours=20))
    voucher_claim(deal=deal, customer=make_user(), now=NOW)
    voucher_redeem(code=first.code, shop=shop, now=NOW)
    as_owner(client, shop)

    response = client.get(url(shop, "deal_figures", deal.pk))

    assert response.status_code == 200
    text = response.text
    assert re.search(r'data-figure="claims">2<', text)
    assert re.search(r'data-figure="redemptions">1<', text)
    assert re.search(r'data-figure="in_store">1<', text)
    assert 'role="img"' in text
    assert text.count('class="bo-chart__bar deal-chart__claims"') == 2  # 4 and 5 Dec
    assert text.count('class="bo-chart__bar deal-chart__redemptions"') == 2


def test_the_figures_of_a_deal_not_started_yet_say_so(client, shop):
    deal = make_deal(shop, starts_at=NOW + timedelta(days=3), ends_at=NOW + timedelta(days=5))
    as_owner(client, shop)

    response = client.get(url(shop, "deal_figures", deal.pk))

    assert response.status_code == 200
    assert "has not started yet" in response.text

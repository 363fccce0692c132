"""The shop page's cached body (storefront/shop_page.py): every change shows at once.

Changes are made the ways the code base makes them — services that save,
conditional UPDATEs (an order taking stock), bulk updates (a CSV import) —
and none of them tells the cache anything: the body's key is a digest of the
rows it is built from.
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.services import product_mark_sold_out_today, product_update
from comptoir.domain.deals.models import Deal
from comptoir.domain.shops.models import Closure, Shop
from comptoir.interfaces.storefront.shop_page import CSRF_SLOT, page_rows
from tests.domain.deals.support import make_deal
from tests.factories import (
    make_category,
    make_opening_hours,
    make_product,
    make_shop,
    make_user,
)
from tests.interfaces.storefront.conftest import TUESDAY_MORNING

pytestmark = pytest.mark.django_db

URL = "/rouen/au-bon-pain/"
PRODUCT_TOKENS = re.compile(
    r'<form class="product__add".*?name="csrfmiddlewaretoken" value="([^"]+)"', re.S
)

ANY_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
LOG_IN = '<a class="site-header__account" href="/account/login/?next=/rouen/au-bon-pain/">'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def bakery(city):
    return make_shop(city, name="Au Bon Pain", slug="au-bon-pain")


def page(client: Client) -> str:
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_a_second_visit_takes_the_body_from_the_cache_in_one_query(
    client, bakery, django_assert_num_queries
):
    make_opening_hours(bakery, 1, "07:30", "19:00")
    for _ in range(3):
        make_product(bakery, category=make_category(bakery))
    first = page(client)
    with django_assert_num_queries(1):
        second = page(client)
    assert CSRF_SLOT not in second
    # The same page but for the CSRF tokens, which are masked anew on each response.
    assert ANY_TOKEN.sub("", first) == ANY_TOKEN.sub("", second)


def test_a_product_edited_through_its_service_shows_at_once(client, bakery):
    product = make_product(bakery, name="Baguette")
    assert ">Baguette</a>" in page(client)
    product_update(product=product, name="Baguette tradition")
    assert ">Baguette tradition</a>" in page(client)


def test_stock_taken_by_a_conditional_update_shows_sold_out_at_once(client, bakery):
    product = make_product(bakery, name="Flan", stock=1)
    assert "badge--sold-out" not in page(client)
    # What an order does (orders/stock.py): an UPDATE, no save(), no updated_at.
    Product.objects.filter(pk=product.pk, stock__gte=1).update(stock=F("stock") - 1)
    html = page(client)
    assert '<span class="badge badge--sold-out">Sold out</span>' in html
    assert f'name="product" value="{product.pk}"' not in html


def test_a_price_changed_by_a_bulk_update_shows_at_once(client, bakery):
    product = make_product(bakery, price=Decimal("1.20"))
    assert "€1.20" in page(client)
    product.price = Decimal("1.35")
    Product.objects.bulk_update([product], ["price"])  # what a CSV import does
    html = page(client)
    assert "€1.35" in html
    assert "€1.20" not in html


def test_a_description_changed_by_raw_sql_shows_at_once(client, bakery):
    """Outside the ORM altogether (an operator's SQL, another program): the trigger sees it."""
    product = make_product(bakery, description="Croustillante")
    assert "Croustillante" in page(client)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE catalogue_product SET description = %s WHERE id = %s",
            ["Au levain naturel", product.pk],
        )
    html = page(client)
    assert "Au levain naturel" in html
    assert "Croustillante" not in html


def test_page_rows_reads_a_product_as_its_id_and_revision(bakery):
    product = make_product(bakery, description="Croustillante")
    Product.objects.filter(pk=product.pk).update(stock=F("stock") - 1)
    rows, _ = page_rows("rouen", "au-bon-pain", now=timezone.now())
    assert f"product,{product.pk},1" in {row.replace("'", "") for row in rows}
    assert not any("Croustillante" in row for row in rows)


def test_a_renamed_category_shows_at_once(client, bakery):
    shelf = make_category(bakery, name="Pains")
    make_product(bakery, category=shelf)
    assert "Pains" in page(client)
    shelf.name = "Pains au levain"
    shelf.save()
    assert "Pains au levain" in page(client)


def test_a_new_closure_shows_at_once(client, bakery, freeze_storefront_clock):
    freeze_storefront_clock()
    assert "Exceptional closures" not in page(client)
    Closure.objects.create(shop=bakery, starts_on=date(2026, 7, 14), ends_on=date(2026, 7, 14))
    assert "Closed on Tuesday 14 July" in page(client)


def test_marked_sold_out_today_shows_at_once_and_ends_at_the_next_opening(
    client, bakery, freeze_storefront_clock
):
    product = make_product(bakery, name="Kouign-amann")
    page(client)
    product_mark_sold_out_today(product=product, now=timezone.now())
    assert "Sold out today" in page(client)
    # The next opening falls inside a minute the body is cached for: it ends the entry.
    opening = datetime(2026, 6, 10, 5, 30, 30, tzinfo=UTC)
    Product.objects.filter(pk=product.pk).update(sold_out_until=opening)
    for moment, sold_out in ((opening - timedelta(seconds=20), True), (opening, False)):
        freeze_storefront_clock(moment)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            html = page(client)
        assert ("Sold out today" in html) is sold_out


def test_open_now_turns_to_closed_at_closing_time(client, bakery, freeze_storefront_clock):
    make_opening_hours(bakery, 1, "07:30", "10:01")  # Tuesday; TUESDAY_MORNING is 10:00
    freeze_storefront_clock(TUESDAY_MORNING + timedelta(seconds=30))
    assert "Open now · until 10:01" in page(client)
    freeze_storefront_clock(TUESDAY_MORNING + timedelta(minutes=1, seconds=5))
    assert "Open now" not in page(client)


def test_a_deal_starting_within_the_minute_shows_from_its_start(
    client, bakery, freeze_storefront_clock
):
    starts = TUESDAY_MORNING + timedelta(seconds=30)
    deal = make_deal(bakery, title="Galettes")
    Deal.objects.filter(pk=deal.pk).update(starts_at=starts, ends_at=starts + timedelta(days=1))
    freeze_storefront_clock(TUESDAY_MORNING + timedelta(seconds=10))
    assert "Galettes" not in page(client)
    freeze_storefront_clock(starts)
    assert "Galettes" in page(client)


def test_a_deal_ending_within_the_minute_disappears_at_its_end(
    client, bakery, freeze_storefront_clock
):
    deal = make_deal(bakery, title="Galettes")
    ends = TUESDAY_MORNING + timedelta(seconds=40)
    Deal.objects.filter(pk=deal.pk).update(
        starts_at=TUESDAY_MORNING - timedelta(days=1), ends_at=ends
    )
    freeze_storefront_clock(TUESDAY_MORNING + timedelta(seconds=10))
    assert "Galettes" in page(client)
    freeze_storefront_clock(ends)
    assert "Galettes" not in page(client)


def test_the_language_is_part_of_the_key(bakery):
    make_product(bakery, stock=0)
    visitor = Client()
    english = visitor.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    french = visitor.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert ">Sold out</span>" in english
    assert ">Sold out</span>" not in french


def test_two_visitors_each_get_their_own_csrf_token(bakery):
    product = make_product(bakery, stock=None)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        html = visitor.get(URL).content.decode()
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert len(found) == 2  # the product's form and the language form
        tokens.append(found[0])
    form = {"product": product.pk, "quantity": 1}
    # The first visitor's token is refused to the second (it matches the first's cookie only)…
    refused = second.post("/rouen/basket/add/", form | {"csrfmiddlewaretoken": tokens[0]})
    assert refused.status_code == 403
    # …and each visitor's own is accepted.
    for visitor, token in ((first, tokens[0]), (second, tokens[1])):
        added = visitor.post("/rouen/basket/add/", form | {"csrfmiddlewaretoken": token})
        assert added.status_code == 302


def test_a_visitor_served_from_the_cache_can_add_to_the_basket(bakery):
    product = make_product(bakery, name="Pain de mie", stock=None)
    Client().get(URL)  # another visitor fills the cache
    visitor = Client(enforce_csrf_checks=True)
    html = visitor.get(URL).content.decode()
    token = PRODUCT_TOKENS.findall(html)[0]
    added = visitor.post(
        "/rouen/basket/add/",
        {"product": product.pk, "quantity": 1, "csrfmiddlewaretoken": token},
    )
    assert added.status_code == 302
    assert '<span class="basket-link__count" aria-hidden="true">1</span>' in page(visitor)
    # Whoever comes next sees their own (empty) basket on the same cached body.
    assert "basket-link__count" not in page(Client())


def test_page_rows_finds_nothing_for_an_unpublished_shop(city):
    make_shop(city, slug="au-bon-pain", is_active=False)
    assert page_rows("rouen", "au-bon-pain", now=TUESDAY_MORNING) == ([], [])


def test_a_logged_in_customer_and_anonymous_visitors_never_share_a_header(bakery):
    make_product(bakery)
    anonymous = page(Client())
    customer = Client()
    customer.force_login(make_user())
    assert "My account" in page(customer)
    assert LOG_IN in anonymous
    assert "My account" not in page(Client())


def test_the_path_an_anonymous_visitor_came_by_is_theirs(bakery):
    make_product(bakery)
    tagged = Client().get(URL + "?from=newsletter", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "next=/rouen/au-bon-pain/%3Ffrom%3Dnewsletter" in tagged
    plain = page(Client())
    assert LOG_IN in plain
    assert "newsletter" not in plain


def test_product_links_and_basket_forms_point_where_the_urls_say(client, bakery):
    product = make_product(bakery, slug="pain-de-seigle", stock=None)
    html = page(client)
    detail = reverse(
        "storefront:product_detail",
        kwargs={"city_slug": "rouen", "shop_slug": "au-bon-pain", "product_slug": product.slug},
    )
    add = reverse("storefront:basket_add", kwargs={"city_slug": "rouen"})
    assert f'<a class="product__link" href="{detail}">' in html
    assert f'action="{add}" hx-post="{add}"' in html


def test_a_new_minute_renders_the_body_again_but_not_its_products(
    client, bakery, freeze_storefront_clock, django_assert_num_queries
):
    make_opening_hours(bakery, 1, "07:30", "19:00")
    make_product(bakery, name="Baguette")
    freeze_storefront_clock(TUESDAY_MORNING)
    assert "Open now · until 19:00" in page(client)
    freeze_storefront_clock(TUESDAY_MORNING + timedelta(minutes=1))
    # The rows, then the shop, its hours, closures, pickup bookings and deals: no products.
    with django_assert_num_queries(6):
        html = page(client)
    assert ">Baguette</a>" in html
    assert "Open now · until 19:00" in html


def test_pausing_orders_hides_the_add_buttons_at_once(client, bakery):
    make_product(bakery, stock=None)
    assert 'class="product__add"' in page(client)
    Shop.objects.filter(pk=bakery.pk).update(is_paused=True)
    html = page(client)
    assert 'class="product__add"' not in html
    assert "This shop is not taking orders right now." in html


def test_a_new_version_of_the_templates_renders_the_body_again(client, bakery, monkeypatch):
    from comptoir.interfaces.storefront import shop_page

    make_product(bakery, name="Baguette")
    page(client)
    templates = shop_page.get_template
    rendered = []

    def get_template(name):
        rendered.append(name)
        return templates(name)

    monkeypatch.setattr(shop_page, "get_template", get_template)
    page(client)
    assert rendered == []
    monkeypatch.setattr(shop_page, "templates_version", lambda: "a-deploy-later")
    assert ">Baguette</a>" in page(client)
    assert shop_page.BODY_TEMPLATE in rendered


def test_a_warm_page_is_the_same_object_not_a_copy_from_the_cache(bakery):
    from comptoir.core.recent import clear_all
    from comptoir.interfaces.storefront.shop_page import shop_page
    from comptoir.interfaces.storefront.views import _shop_body_context

    make_product(bakery, name="Baguette")
    now = timezone.now()

    def load():
        return shop_page("rouen", "au-bon-pain", now=now, context=_shop_body_context)

    rendered = load()
    assert load() is rendered
    # Another process rendered it (a shared cache): the first read unpickles, the next do not.
    clear_all()
    from_cache = load()
    assert from_cache is not rendered
    assert from_cache.body == rendered.body
    assert load() is from_cache


def test_a_warm_page_reads_nothing_from_the_cache_backend(client, bakery):
    make_product(bakery, name="Baguette")
    first = page(client)
    with mock.patch.object(cache, "get", side_effect=AssertionError("read from the cache")):
        second = page(client)
    assert ANY_TOKEN.sub("", first) == ANY_TOKEN.sub("", second)

"""Whole pages from the cache for every visitor (storefront/page_frame.py).

The city home, the search page, the shop page and the product page are
rendered once per body, kind of visitor (signed in or not), basket count and
path; what base.html shows of one visitor is never served to another.
"""

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.storefront import page_frame, views
from tests.factories import make_product, make_shop, make_user
from tests.interfaces.storefront.conftest import TUESDAY_MORNING

pytestmark = pytest.mark.django_db

PRODUCT = "/rouen/au-bon-pain/eclair/"
PAGES = ("/rouen/", "/rouen/search/?q=eclair", "/rouen/au-bon-pain/", PRODUCT)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BADGE = '<span class="basket-link__count" aria-hidden="true">{}</span>'


@pytest.fixture(autouse=True)
def cache_on(listing_cache_on, monkeypatch):
    monkeypatch.setattr(views, "current_time", lambda: TUESDAY_MORNING)


def signed_in() -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_user())
    return client


def frame_rendered(response) -> bool:
    return "base.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("path", PAGES)
def test_a_signed_in_customer_gets_the_page_from_the_cache(eclair, path):
    first, second = signed_in(), signed_in()
    assert frame_rendered(first.get(path))
    again = second.get(path)
    assert not frame_rendered(again)
    assert "My account" in again.content.decode()


@pytest.mark.parametrize("path", PAGES)
def test_signed_in_and_signed_out_visitors_each_get_their_header(eclair, path):
    customer = signed_in().get(path).content.decode()
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en").get(path).content.decode()
    assert "My account" in customer
    assert "Log in" not in customer
    assert "Log in" in visitor
    assert "My account" not in visitor


def test_each_customer_sees_their_own_basket_count(eclair):
    customers = [signed_in(), signed_in()]
    customers[0].post("/rouen/basket/add/", {"product": eclair.pk, "quantity": 3})
    # The second customer, with an empty basket, comes first to the pages.
    for path in PAGES:
        empty = customers[1].get(path).content.decode()
        assert "basket-link__count" not in empty, path
        assert BADGE.format(3) in customers[0].get(path).content.decode(), path


@pytest.mark.parametrize("path", PAGES)
def test_each_customer_gets_their_own_csrf_token(eclair, path):
    first, second = signed_in(), signed_in()
    tokens = [TOKEN.findall(c.get(path).content.decode()) for c in (first, second)]
    assert tokens[0]
    assert tokens[1]
    assert set(tokens[0]).isdisjoint(tokens[1])
    form = {"product": eclair.pk, "quantity": 1}
    second_client = Client(enforce_csrf_checks=True)
    second_client.cookies = second.cookies
    refused = second_client.post("/rouen/basket/add/", form | {"csrfmiddlewaretoken": tokens[0][0]})
    assert refused.status_code == 403
    accepted = second_client.post(
        "/rouen/basket/add/", form | {"csrfmiddlewaretoken": tokens[1][0]}
    )
    assert accepted.status_code == 302


def test_a_renamed_city_is_never_served_an_old_frame(eclair):
    signed_in().get("/rouen/")
    City.objects.filter(slug="rouen").update(name="Rouen-sur-Seine")
    assert "Rouen-sur-Seine" in signed_in().get("/rouen/").content.decode()


def test_each_language_has_its_own_frame(eclair):
    signed_in().get("/rouen/")
    french = Client(HTTP_ACCEPT_LANGUAGE="fr")
    french.force_login(make_user())
    html = french.get("/rouen/").content.decode()
    assert "Mon compte" in html
    assert 'lang="fr"' in html


def test_with_the_listing_cache_off_every_page_is_rendered(eclair, settings):
    settings.LISTING_CACHE_SECONDS = 0
    customer = signed_in()
    customer.get("/rouen/")
    assert frame_rendered(customer.get("/rouen/"))


# --- The product page: cached under every column of its rows ----------------------


def test_any_change_to_the_rows_of_a_product_page_shows_at_once(eclair):
    customer = signed_in()
    assert "€2.80" in customer.get(PRODUCT).content.decode()
    # Straight to the tables, as a CSV import or another process would: nothing is told.
    Product.objects.filter(pk=eclair.pk).update(price=Decimal("3.10"))
    assert "€3.10" in customer.get(PRODUCT).content.decode()
    Product.objects.filter(pk=eclair.pk).update(stock=0)
    assert "This product is sold out for now." in customer.get(PRODUCT).content.decode()
    Shop.objects.filter(pk=eclair.shop_id).update(name="Boulangerie Neuve")
    Product.objects.filter(pk=eclair.pk).update(stock=None)
    html = customer.get(PRODUCT).content.decode()
    assert "Boulangerie Neuve" in html
    assert "sold out" not in html


def test_what_the_clock_decides_on_a_product_page_is_part_of_its_key(eclair):
    customer = signed_in()
    now = timezone.now()
    Product.objects.filter(pk=eclair.pk).update(sold_out_until=now + timedelta(hours=1))
    Shop.objects.filter(pk=eclair.shop_id).update(paused_until=now + timedelta(hours=1))
    assert "Sold out today" in customer.get(PRODUCT).content.decode()
    later = now + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = customer.get(PRODUCT).content.decode()
    assert "Sold out today" not in html
    assert "Add to basket" in html
    assert "Orders paused" not in html


def test_a_changed_template_gives_every_frame_a_new_key(tmp_path, monkeypatch):
    (tmp_path / "base.html").write_text("<html>one</html>")
    monkeypatch.setattr(page_frame, "TEMPLATE_FOLDERS", (tmp_path,))
    page_frame.templates_version.cache_clear()
    first = page_frame.templates_version()
    (tmp_path / "base.html").write_text("<html>two</html>")
    page_frame.templates_version.cache_clear()
    assert page_frame.templates_version() != first
    page_frame.templates_version.cache_clear()


def test_a_page_from_the_cache_builds_no_context(eclair, monkeypatch):
    from comptoir.interfaces.storefront import product_views

    calls = []
    real = product_views.states_allergens

    def counted(product):
        calls.append(product.pk)
        return real(product)

    monkeypatch.setattr(product_views, "states_allergens", counted)
    assert signed_in().get(PRODUCT).status_code == 200
    assert signed_in().get(PRODUCT).status_code == 200
    assert len(calls) == 1


# --- The shop page: one skeleton per city and kind of visitor, filled per shop -----


def test_shop_pages_share_one_frame_skeleton(eclair):
    other = make_shop(eclair.shop.city, name="Fromagerie Lise", slug="fromagerie-lise")
    customer = signed_in()
    assert frame_rendered(customer.get("/rouen/au-bon-pain/"))
    second = customer.get("/rouen/fromagerie-lise/")
    assert not frame_rendered(second)
    html = second.content.decode()
    assert "<title>Fromagerie Lise · Rouen · Comptoir</title>" in html
    assert '<meta name="description" content="Fromagerie Lise">' in html
    assert "Au Bon Pain" not in html
    assert 'name="next" value="/rouen/fromagerie-lise/"' in html
    assert other.name in html


def test_product_pages_share_one_frame_skeleton(eclair):
    make_product(eclair.shop, name="Tarte & <citron>", slug="tarte", description="")
    customer = signed_in()
    assert frame_rendered(customer.get(PRODUCT))
    response = customer.get("/rouen/au-bon-pain/tarte/")
    assert not frame_rendered(response)
    assert "storefront/_product_page.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "<title>Tarte &amp; &lt;citron&gt; · Au Bon Pain · Comptoir</title>" in html
    assert '<meta name="description" content="Tarte &amp; &lt;citron&gt;">' in html
    assert '<h1 class="item__name">Tarte &amp; &lt;citron&gt;</h1>' in html
    assert "Éclair" not in html


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("count", [0, 3])
@pytest.mark.parametrize(
    "path", ["/rouen/au-bon-pain/", '/rouen/au-bon-pain/?q=a&b=<x>é"&c=%25', "/rouen/é-à/"]
)
def test_a_filled_skeleton_is_the_page_rendered_whole(eclair, language, signed, count, path):
    """Every text escaped (and the path urlencoded) as the template would have."""
    request = RequestFactory().get(path)
    request.user = make_user() if signed else AnonymousUser()
    request.session = SessionStore()
    city = eclair.shop.city
    texts = {
        "city": city,
        "shop_name": 'Chez "Léa" & <b>fils</b>',
        "shop_description": "Pains d'autrefois, <i>vrais</i>",
        "body": mark_safe(f"<p>Corps é {page_frame.CSRF_SLOT}</p>"),  # noqa: S308 - our HTML
    }
    pages = []
    with (
        translation.override(language),
        mock.patch(
            "comptoir.interfaces.storefront.basket_views.basket_item_count", return_value=count
        ),
    ):
        for slotted in (False, True):
            response = page_frame.framed_response(
                request,
                "storefront/shop_detail.html",
                lambda: dict(texts),
                city=city,
                key=f"test:{slotted}",
                timeout=30,
                slotted=slotted,
            )
            pages.append(TOKEN.sub('name="csrfmiddlewaretoken" value="-"', response.text))
    assert pages[0] == pages[1]
    assert "Chez &quot;Léa&quot; &amp; &lt;b&gt;fils&lt;/b&gt;" in pages[1]
    assert "<p>Corps é" in pages[1]
    assert ("basket-link__count" in pages[1]) == bool(count)


def test_a_shops_own_text_is_shown_not_filled_in_turn(eclair):
    Shop.objects.filter(pk=eclair.shop_id).update(
        name=f"Chez {page_frame.slot('body')}", tagline=f"{page_frame.slot('page_path')}"
    )
    html = signed_in().get("/rouen/au-bon-pain/").content.decode()
    assert f"<title>Chez {page_frame.slot('body')} · Rouen" in html
    assert f'content="{page_frame.slot("page_path")}"' in html
    assert html.count('<article class="shop">') == 1


def test_a_renamed_city_is_never_served_an_old_skeleton(eclair):
    make_shop(eclair.shop.city, name="Fromagerie Lise", slug="fromagerie-lise")
    customer = signed_in()
    customer.get("/rouen/au-bon-pain/")
    City.objects.filter(slug="rouen").update(name="Rouen-sur-Seine")
    html = customer.get("/rouen/fromagerie-lise/").content.decode()
    assert "<title>Fromagerie Lise · Rouen-sur-Seine · Comptoir</title>" in html

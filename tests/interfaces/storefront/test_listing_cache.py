"""The shared listing cache (interfaces/storefront/listing_cache.py): search, city home, trades.

The suite runs with the cache off (settings_test.py); these tests turn it on.
"""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.storefront import views

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_ACCEPT_LANGUAGE": "en"}
NOW = datetime(2026, 12, 22, 9, 30, tzinfo=UTC)
REAL_TIME = time.time


@pytest.fixture(autouse=True)
def cache_on(listing_cache_on, monkeypatch):
    monkeypatch.setattr(views, "current_time", lambda: NOW)


def cache_clock_moves_on(monkeypatch, seconds: float) -> None:
    """The local-memory cache's clock, `seconds` later than now (its entries expire by it)."""
    monkeypatch.setattr(
        "django.core.cache.backends.locmem.time.time", lambda: REAL_TIME() + seconds
    )


def rename(product: Product, name: str) -> None:
    # Straight to the table: no service, no signal — only the cache's expiry hides it.
    Product.objects.filter(pk=product.pk).update(name=name)


def test_a_repeated_search_is_served_from_the_cache_without_a_query(
    client, eclair, django_assert_num_queries
):
    first = client.get("/rouen/search/?q=eclair", **HTMX)
    assert "Éclair au café" in first.content.decode()
    # The city is read to know which city's key to use; the search runs no query.
    with django_assert_num_queries(1):
        again = Client().get(
            "/rouen/search/?q=eclair", headers={"HX-Request": "true", "Accept-Language": "en"}
        )
    assert again.content == first.content


def test_the_cache_is_shared_for_the_delay_then_fresh(client, eclair, monkeypatch):
    client.get("/rouen/search/?q=eclair", **HTMX)
    rename(eclair, "Éclair à la vanille")
    cache_clock_moves_on(monkeypatch, 29)
    assert "Éclair au café" in client.get("/rouen/search/?q=eclair", **HTMX).content.decode()
    cache_clock_moves_on(monkeypatch, 31)
    html = client.get("/rouen/search/?q=eclair", **HTMX).content.decode()
    assert "Éclair à la vanille" in html


def test_the_turn_of_a_minute_does_not_empty_the_cache(client, eclair, monkeypatch):
    """Every list expiring at once at hh:mm:00 made every visitor of that second render."""
    monkeypatch.setattr(views, "current_time", lambda: NOW + timedelta(seconds=50))
    client.get("/rouen/search/?q=eclair", **HTMX)
    client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en")
    rename(eclair, "Éclair à la vanille")
    rename_shop(eclair.shop, "Boulangerie Neuve")

    monkeypatch.setattr(views, "current_time", lambda: NOW + timedelta(seconds=65))
    assert "Éclair au café" in client.get("/rouen/search/?q=eclair", **HTMX).content.decode()
    assert "Au Bon Pain" in client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_whole_pages_lists_are_shared_too_but_not_its_header(
    client, eclair, monkeypatch, django_assert_num_queries
):
    """A link to the search shared during a rush: every visitor gets the lists from the cache."""
    user = User.objects.create_user(email="albertine@example.fr", password="a-long-password")
    client.force_login(user)
    first = client.get("/rouen/search/?q=eclair", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My account" in first
    assert "1 product matches “eclair”." in first
    rename(eclair, "Éclair à la vanille")
    # The city's query only: no search, no render of the results.
    with django_assert_num_queries(1):
        anonymous = Client().get("/rouen/search/?q=eclair", HTTP_ACCEPT_LANGUAGE="en")
    html = anonymous.content.decode()
    assert "Éclair au café" in html
    assert "1 product matches “eclair”." in html
    assert "My account" not in html
    assert 'value="eclair"' in html  # the search box keeps what was asked
    cache_clock_moves_on(monkeypatch, 31)
    fresh = Client().get("/rouen/search/?q=eclair", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Éclair à la vanille" in fresh


def test_the_whole_page_and_the_typed_results_have_their_own_entries(client, eclair):
    client.get("/rouen/search/?q=eclair", HTTP_ACCEPT_LANGUAGE="en")
    typed = client.get("/rouen/search/?q=eclair", **HTMX).content.decode()
    assert 'hx-swap-oob="innerHTML"' in typed  # what htmx swaps, not the page's lists
    assert "<html" not in typed


def test_each_language_query_and_filter_has_its_own_entry(client, eclair):
    english = client.get("/rouen/search/?q=eclair", **HTMX).content.decode()
    french = client.get(
        "/rouen/search/?q=eclair", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "1 product matches “eclair”." in english
    assert "1 produit correspond à «\xa0eclair\xa0»." in french
    rename(eclair, "Éclair à la vanille")
    other_query = client.get("/rouen/search/?q=eclai", **HTMX).content.decode()
    assert "Éclair à la vanille" in other_query
    open_only = client.get("/rouen/search/?q=eclair&open=1", **HTMX).content.decode()
    assert "Éclair à la vanille" in open_only


def test_it_is_off_at_zero(client, eclair, settings):
    settings.LISTING_CACHE_SECONDS = 0
    client.get("/rouen/search/?q=eclair", **HTMX)
    rename(eclair, "Éclair à la vanille")
    assert "Éclair à la vanille" in client.get("/rouen/search/?q=eclair", **HTMX).content.decode()


def test_the_shared_part_holds_nothing_of_the_visitor(client, eclair):
    user = User.objects.create_user(email="albertine@example.fr", password="a-long-password")
    client.force_login(user)
    client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en")  # a session, a CSRF cookie
    shared = client.get("/rouen/search/?q=eclair", **HTMX)
    html = shared.content.decode()
    assert "albertine" not in html
    assert "csrf" not in html.lower()
    assert client.cookies["csrftoken"].value not in html
    assert "Set-Cookie" not in shared.headers or "csrftoken" not in shared.headers["Set-Cookie"]


# --- The city home and a trade's list --------------------------------------------------


def rename_shop(shop, name: str) -> None:
    Shop.objects.filter(pk=shop.pk).update(name=name)


def test_the_city_home_lists_are_shared_for_the_delay_then_fresh(client, eclair, monkeypatch):
    assert "Au Bon Pain" in client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    rename_shop(eclair.shop, "Boulangerie Neuve")
    again = Client().get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Au Bon Pain" in again
    assert "Boulangerie Neuve" not in again
    cache_clock_moves_on(monkeypatch, 31)
    fresh = client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Boulangerie Neuve" in fresh


def test_a_cached_city_home_runs_only_the_city_query(client, eclair, django_assert_num_queries):
    client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_num_queries(1):
        Client().get("/rouen/", HTTP_ACCEPT_LANGUAGE="en")


def test_each_trade_page_and_shop_search_of_the_city_home_has_its_own_entry(client, eclair):
    client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en")
    rename_shop(eclair.shop, "Boulangerie Neuve")
    for path in ("/rouen/?trade=bakery", "/rouen/?trade=bakery&page=1", "/rouen/?q=boulangerie"):
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Boulangerie Neuve" in html, path


def test_the_shared_city_home_keeps_each_visitors_own_header(client, eclair):
    user = User.objects.create_user(email="albertine@example.fr", password="a-long-password")
    client.force_login(user)
    signed_in = client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    anonymous = Client().get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My account" in signed_in
    assert "My account" not in anonymous
    assert "Log in" in anonymous
    assert "albertine" not in anonymous


def test_the_city_home_is_fresh_when_the_cache_is_off(client, eclair, settings):
    settings.LISTING_CACHE_SECONDS = 0
    client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en")
    rename_shop(eclair.shop, "Boulangerie Neuve")
    assert "Boulangerie Neuve" in client.get("/rouen/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

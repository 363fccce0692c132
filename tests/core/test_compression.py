"""Pages go out gzip-compressed to browsers that ask (GZipMiddleware in settings).

A shop page of 60 products is ~90 KB of HTML and ~6 KB compressed: the
difference between a page and a wait on a phone in the street.
"""

import gzip
import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import make_product, make_shop

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def shop_url(city):
    cache.clear()
    shop = make_shop(city, name="Au Bon Pain", slug="au-bon-pain")
    for n in range(30):
        make_product(shop, name=f"Pain numéro {n}", stock=None)
    return "/rouen/au-bon-pain/"


def test_a_browser_asking_for_gzip_gets_the_page_compressed(shop_url):
    plain = Client().get(shop_url)
    packed = Client().get(shop_url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]  # a shared cache keeps both versions apart
    html = gzip.decompress(packed.content).decode()
    assert "Pain numéro 29" in html
    assert len(packed.content) * 4 < len(plain.content)
    # The same page as the uncompressed one, but for the visitor's own CSRF tokens.
    assert TOKEN.sub("", html) == TOKEN.sub("", plain.content.decode())


def test_each_visitor_gets_their_own_token_inside_the_compressed_page(shop_url):
    tokens = []
    for _ in range(2):  # the second is served from the anonymous page cache
        response = Client().get(shop_url, HTTP_ACCEPT_ENCODING="gzip")
        found = set(TOKEN.findall(gzip.decompress(response.content).decode()))
        assert len(found) == 1
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]


def test_a_browser_that_does_not_ask_gets_plain_html(shop_url):
    response = Client().get(shop_url, HTTP_ACCEPT_ENCODING="identity")
    assert "Content-Encoding" not in response
    assert "Au Bon Pain" in response.content.decode()

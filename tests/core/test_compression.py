"""Pages go out gzip-compressed to browsers that ask (comptoir/core/compression.py).

A shop page of 60 products is ~90 KB of HTML and ~6 KB compressed: the
difference between a page and a wait on a phone in the street.
"""

import gzip
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client, RequestFactory

from comptoir.core.compression import GZipMiddleware
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


def test_pages_are_compressed_at_the_fastest_level(shop_url):
    """Level 1: a third of level 6's time, and the page still fits in TCP's first window.

    The gzip header says which: its XFL byte is 4 for the fastest level, 0 for
    Django's default of 6.
    """
    packed = Client().get(shop_url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed.content[8] == 4
    assert int(packed["Content-Length"]) == len(packed.content)


def test_the_gzip_header_carries_a_file_name_of_random_length_against_breach(shop_url):
    """As Django's middleware writes it: the compressed length no longer tells the content."""
    lengths = set()
    for _ in range(8):
        packed = Client().get(shop_url, HTTP_ACCEPT_ENCODING="gzip").content
        assert packed[3] & gzip.FNAME
        lengths.add(packed.index(b"\x00", 10) - 10)
    assert len(lengths) > 1


def gzipped(response: HttpResponseBase) -> Any:
    """`response` through the middleware, for a browser that takes gzip."""
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    return GZipMiddleware(lambda _: response).process_response(request, response)


def test_an_etag_turns_weak_once_compressed():
    packed = gzipped(HttpResponse(b"x" * 500, headers={"ETag": '"abc"'}))

    assert packed["ETag"] == 'W/"abc"'
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == b"x" * 500


def test_short_or_already_encoded_answers_are_left_alone():
    short = gzipped(HttpResponse(b"ok"))
    encoded = gzipped(HttpResponse(b"y" * 500, headers={"Content-Encoding": "br"}))

    assert "Content-Encoding" not in short
    assert (encoded["Content-Encoding"], encoded.content) == ("br", b"y" * 500)


def test_a_streamed_answer_is_still_compressed():
    body = [b"line %d\n" % n for n in range(200)]

    packed = gzipped(StreamingHttpResponse(iter(body)))

    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == b"".join(body)

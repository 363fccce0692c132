"""A demo city ends with a rebuilt search index: a bulk load leaves SQLite's in pieces.

Measured on 96,000 products (docs/search.md): searches took p50 45 ms on the
index the triggers wrote row by row, 20 ms once rebuilt.
"""

from __future__ import annotations

from unittest import mock

import pytest

from comptoir.demo import generate
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.search.selectors import search_city
from comptoir.domain.search.services import search_index_rebuild

pytestmark = pytest.mark.django_db


def test_the_index_is_rebuilt_once_every_product_is_written(media):
    seen: list[int] = []

    def rebuild() -> None:
        seen.append(Product.objects.count())
        search_index_rebuild()

    with mock.patch.object(generate, "search_index_rebuild", side_effect=rebuild):
        result = generate.demo_city_generate(shops=3, products_per_shop=4)

    assert seen == [result.products]
    assert result.products > 0


def test_what_the_demo_wrote_is_found_after_the_rebuild(media):
    generate.demo_city_generate(shops=3, products_per_shop=4)
    city = City.objects.get(slug="rouen")
    name = Product.objects.filter(city=city).order_by("pk").values_list("name", flat=True)[0]
    found = search_city(city=city, query=name.split()[0], trade=None, open_now=False)
    assert found.products

"""A shop's catalogue as the shop page shows it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.domain.catalogue.models import Product
from comptoir.domain.catalogue.selectors import (
    product_on_sale,
    product_with_shop,
    products_for_shop_page,
)
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.django_db


def test_it_groups_products_by_category_in_position_order(shop):
    breads = make_category(shop, name="Pains", position=1)
    cakes = make_category(shop, name="Gâteaux", position=2)
    viennoiseries = make_category(shop, name="Viennoiseries", position=0)
    croissant = make_product(shop, name="Croissant", category=viennoiseries)
    baguette = make_product(shop, name="Baguette", category=breads)
    flan = make_product(shop, name="Flan", category=cakes)
    groups = products_for_shop_page(shop)
    assert [(g.category, g.products) for g in groups] == [
        (viennoiseries, [croissant]),
        (breads, [baguette]),
        (cakes, [flan]),
    ]


def test_it_puts_products_without_category_in_a_final_group(shop):
    breads = make_category(shop, name="Pains")
    loose = make_product(shop, name="Sac en tissu")
    baguette = make_product(shop, name="Baguette", category=breads)
    groups = products_for_shop_page(shop)
    assert [(g.category, g.products) for g in groups] == [(breads, [baguette]), (None, [loose])]


def test_it_orders_products_by_position_then_name(shop):
    breads = make_category(shop, name="Pains")
    second = make_product(shop, name="A pain", category=breads, position=2)
    first_b = make_product(shop, name="B pain", category=breads, position=1)
    first_a = make_product(shop, name="A pain bis", category=breads, position=1)
    (group,) = products_for_shop_page(shop)
    assert group.products == [first_a, first_b, second]


def test_it_keeps_categories_of_equal_position_apart(shop):
    breads = make_category(shop, name="Pains", position=0)
    cakes = make_category(shop, name="Gâteaux", position=0)
    baguette = make_product(shop, name="Baguette", category=breads)
    flan = make_product(shop, name="Flan", category=cakes)
    groups = products_for_shop_page(shop)
    assert [(g.category, g.products) for g in groups] == [(cakes, [flan]), (breads, [baguette])]


def test_it_leaves_out_products_not_on_sale_and_other_shops_products(shop):
    on_sale = make_product(shop, name="Baguette")
    make_product(shop, name="Bûche de Noël", is_active=False)
    make_product(make_shop(shop.city), name="Ailleurs")
    (group,) = products_for_shop_page(shop)
    assert group.products == [on_sale]


def test_it_returns_no_group_for_an_empty_catalogue(shop):
    assert products_for_shop_page(shop) == []


@pytest.mark.parametrize("product_count", [3, 30])
def test_it_loads_the_catalogue_in_two_queries_whatever_its_size(
    shop, product_count, django_assert_num_queries
):
    categories = [make_category(shop, position=i) for i in range(3)]
    for i in range(product_count):
        make_product(shop, category=categories[i % 3] if i % 4 else None, price=Decimal("2.10"))
    with django_assert_num_queries(2):
        groups = products_for_shop_page(shop)
        names = [p.category.name if p.category else "" for g in groups for p in g.products]
    assert len(names) == product_count
    # A shelf's products share its one category instance.
    for group in groups:
        assert all(product.category is group.category for product in group.products)


def test_it_never_joins_every_category_to_the_products(shop):
    """Joined, PostgreSQL hashed every shop's categories (6,500) for one shop's products."""
    make_product(shop, category=make_category(shop))
    with CaptureQueriesContext(connection) as queries:
        products_for_shop_page(shop)
    assert [q["sql"] for q in queries.captured_queries if "JOIN" in q["sql"]] == []


def test_a_product_filed_under_another_shops_category_goes_to_the_final_group(shop):
    """Never expected (a shop's forms offer its own shelves); shown, not lost nor misfiled."""
    elsewhere = make_category(make_shop(shop.city), name="Ailleurs")
    breads = make_category(shop, name="Pains")
    baguette = make_product(shop, name="Baguette", category=breads)
    stray = make_product(shop, name="Égaré", category=elsewhere)
    groups = products_for_shop_page(shop)
    assert [(g.category, g.products) for g in groups] == [(breads, [baguette]), (None, [stray])]


def test_a_product_on_sale_reads_as_the_orm_reads_it_with_shop_city_and_shelf(shop):
    """One statement written once per process (core/lean_reads.py), converted as the ORM does."""
    city = shop.city
    city.is_live = True
    city.save(update_fields=["is_live"])
    shelf = make_category(shop, name="Pains")
    make_product(shop, name="Baguette", slug="baguette", category=shelf, price=Decimal("1.30"))
    make_product(shop, name="Sac", slug="sac")
    expected = Product.objects.select_related("shop__city", "category").get(slug="baguette")

    with CaptureQueriesContext(connection) as queries:
        product = product_on_sale(city.slug, shop.slug, "baguette")
        rows = [product, product.shop, product.shop.city, product.category]
        loose = product_on_sale(city.slug, shop.slug, "sac")
        assert loose.category is None
    assert len(queries.captured_queries) == 2
    assert "LIMIT" not in queries.captured_queries[0]["sql"]

    wanted = [expected, expected.shop, expected.shop.city, expected.category]
    for row, reference in zip(rows, wanted, strict=True):
        assert row is not None
        for field in type(row)._meta.concrete_fields:
            value, other = getattr(row, field.attname), getattr(reference, field.attname)
            assert (value, type(value)) == (other, type(other)), field.name
        assert row._state.adding is False


def test_a_product_not_on_sale_or_not_shown_is_not_found(shop):
    city = shop.city
    city.is_live = True
    city.save(update_fields=["is_live"])
    make_product(shop, slug="retire", is_active=False)
    make_product(make_shop(city, slug="ailleurs"), slug="pain")
    for shop_slug, product_slug in ((shop.slug, "retire"), (shop.slug, "pain"), ("x", "pain")):
        with pytest.raises(Product.DoesNotExist):
            product_on_sale(city.slug, shop_slug, product_slug)
    assert product_on_sale(city.slug, "ailleurs", "pain").slug == "pain"
    city.is_live = False
    city.save(update_fields=["is_live"])
    with pytest.raises(Product.DoesNotExist):
        product_on_sale(city.slug, "ailleurs", "pain")


def test_a_product_by_id_comes_with_its_shop_in_one_statement_on_sale_or_not(shop):
    product = make_product(shop, is_active=False)

    with CaptureQueriesContext(connection) as queries:
        found = product_with_shop(product.pk)
        assert (found.pk, found.shop.name, found.is_active) == (product.pk, shop.name, False)

    assert len(queries.captured_queries) == 1
    with pytest.raises(Product.DoesNotExist):
        product_with_shop(product.pk + 1000)

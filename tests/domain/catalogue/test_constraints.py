"""The database refuses what a catalogue must never hold, even past the services."""

from decimal import Decimal

import pytest
from django.db import connection

from comptoir.domain.catalogue.allergens import ALL_ALLERGENS, Allergen
from comptoir.domain.catalogue.models import Category, Product, VatRate
from tests.domain.violations import refused_by
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.django_db


def test_it_refuses_two_categories_with_one_name_in_a_shop(shop):
    make_category(shop, name="Pains")

    with refused_by("catalogue_category_unique_name"):
        make_category(shop, name="Pains")

    assert Category.objects.count() == 1


def test_it_refuses_a_category_name_differing_only_by_case(shop):
    make_category(shop, name="Pains")

    with refused_by("catalogue_category_unique_name"):
        make_category(shop, name="PAINS")

    assert list(Category.objects.values_list("name", flat=True)) == ["Pains"]


def test_it_accepts_one_category_name_in_two_shops(shop):
    make_category(shop, name="Pains")
    make_category(make_shop(shop.city), name="Pains")

    assert Category.objects.filter(name="Pains").count() == 2


def test_it_refuses_two_products_with_one_slug_in_a_shop(shop):
    make_product(shop, slug="baguette")

    with refused_by(
        "catalogue_product_slug_unique",
        sqlite="UNIQUE constraint failed: catalogue_product.shop_id, catalogue_product.slug",
    ):
        make_product(shop, slug="baguette")

    assert Product.objects.count() == 1


def test_it_accepts_one_product_slug_in_two_shops(shop):
    make_product(shop, slug="baguette")
    make_product(make_shop(shop.city), slug="baguette")

    assert Product.objects.filter(slug="baguette").count() == 2


def test_it_refuses_a_negative_price(shop):
    with refused_by("catalogue_product_price_non_negative"):
        make_product(shop, price=Decimal("-0.01"))

    assert not Product.objects.exists()


def test_it_accepts_a_free_product(shop):
    make_product(shop, price=Decimal("0"))

    assert Product.objects.get().price == Decimal("0.00")


def test_it_refuses_a_negative_stock(shop):
    product = make_product(shop, stock=2)

    # The column is unsigned too: PostgreSQL and SQLite report that older,
    # unnamed check first; the named constraint states the rule in the model.
    unnamed = {"postgresql": "catalogue_product_stock_check", "sqlite": "failed: stock"}
    with refused_by(unnamed[connection.vendor]):
        Product.objects.filter(pk=product.pk).update(stock=-1)

    assert Product.objects.get(pk=product.pk).stock == 2


def test_it_accepts_a_stock_of_zero_or_unlimited(shop):
    make_product(shop, stock=0)
    make_product(shop, stock=None)

    assert sorted(Product.objects.values_list("stock", flat=True), key=str) == [0, None]


@pytest.mark.parametrize("rate", [Decimal("7.00"), Decimal("19.60"), Decimal("0.00")])
def test_it_refuses_a_vat_rate_france_does_not_have(shop, rate):
    with refused_by("catalogue_product_vat_rate_valid"):
        make_product(shop, vat_rate=rate)

    assert not Product.objects.exists()


def test_it_accepts_every_french_vat_rate(shop):
    for rate in VatRate.values:
        make_product(shop, vat_rate=Decimal(rate))

    assert sorted(Product.objects.values_list("vat_rate", flat=True)) == [
        Decimal("2.10"),
        Decimal("5.50"),
        Decimal("10.00"),
        Decimal("20.00"),
    ]


def test_it_refuses_an_unknown_unit(shop):
    with refused_by("catalogue_product_unit_valid"):
        make_product(shop, unit="barrel")

    assert not Product.objects.exists()


def test_it_refuses_an_allergen_bit_outside_the_fourteen(shop):
    product = make_product(shop, allergens=Allergen.GLUTEN)

    with refused_by("catalogue_product_allergens_known"):
        Product.objects.filter(pk=product.pk).update(allergens=ALL_ALLERGENS + 1)

    assert Product.objects.get(pk=product.pk).allergens == Allergen.GLUTEN


def test_it_accepts_no_allergen_or_all_fourteen(shop):
    make_product(shop, allergens=Allergen(0))
    make_product(shop, allergens=Allergen(ALL_ALLERGENS))

    assert sorted(Product.objects.values_list("allergens", flat=True)) == [0, ALL_ALLERGENS]


def test_it_refuses_two_products_with_one_reference_in_a_shop(shop):
    make_product(shop, reference="BAG-01")

    with refused_by(
        "catalogue_product_reference_unique",
        sqlite="UNIQUE constraint failed: catalogue_product.shop_id, catalogue_product.reference",
    ):
        make_product(shop, reference="BAG-01")

    assert Product.objects.filter(reference="BAG-01").count() == 1


def test_it_accepts_many_products_without_a_reference_and_one_reference_in_two_shops(shop):
    make_product(shop, reference="")
    make_product(shop, reference="")
    make_product(shop, reference="BAG-01")
    make_product(make_shop(shop.city), reference="BAG-01")

    assert Product.objects.filter(reference="").count() == 2
    assert Product.objects.filter(reference="BAG-01").count() == 2

from decimal import Decimal
from typing import Any

import pytest

from comptoir.core.errors import InvalidInput
from comptoir.domain.catalogue.allergens import Allergen
from comptoir.domain.catalogue.errors import (
    CategoryAlreadyExists,
    CategoryNotInShop,
    InvalidPrice,
    NegativeStock,
    UnknownVatRate,
)
from comptoir.domain.catalogue.models import Category, Product, Unit, VatRate
from comptoir.domain.catalogue.services import (
    category_create,
    product_create,
    product_set_stock,
    product_update,
)
from tests.factories import make_category, make_product, make_shop

pytestmark = pytest.mark.django_db


def create_product(shop, **fields):
    defaults: dict[str, Any] = {
        "name": "Baguette tradition",
        "price": Decimal("1.30"),
        "vat_rate": Decimal("5.5"),
    }
    return product_create(shop=shop, **(defaults | fields))


def snapshot(product):
    return Product.objects.filter(pk=product.pk).values().get()


# category_create


def test_it_creates_the_first_category_at_position_zero(shop):
    category = category_create(shop=shop, name=" Pains ")

    category.refresh_from_db()
    assert (category.shop, category.name, category.position) == (shop, "Pains", 0)


def test_it_puts_a_new_category_after_the_last(shop):
    make_category(shop, name="Pains", position=4)
    make_category(shop, name="Viennoiseries", position=2)
    make_category(make_shop(shop.city), name="Fromages", position=9)

    assert category_create(shop=shop, name="Gâteaux").position == 5


def test_it_puts_a_category_at_the_position_given(shop):
    make_category(shop, position=4)

    assert category_create(shop=shop, name="Gâteaux", position=1).position == 1


def test_it_refuses_a_category_name_already_used_in_any_case(shop):
    make_category(shop, name="Pains")

    with pytest.raises(CategoryAlreadyExists) as caught:
        category_create(shop=shop, name="PAINS")

    assert (caught.value.code, caught.value.params) == (
        "category_already_exists",
        {"name": "PAINS"},
    )
    assert list(Category.objects.values_list("name", flat=True)) == ["Pains"]


def test_it_allows_the_same_category_name_in_another_shop(shop):
    make_category(make_shop(shop.city), name="Pains")

    assert category_create(shop=shop, name="Pains").shop == shop


# product_create


def test_it_creates_a_product_in_the_shops_city(shop):
    category = make_category(shop)

    product = create_product(
        shop,
        category=category,
        description="Farine de Normandie.",
        unit=Unit.PIECE,
        allergens=Allergen.GLUTEN | Allergen.SESAME,
        stock=30,
    )

    product.refresh_from_db()
    assert (product.city_id, product.shop, product.category) == (shop.city_id, shop, category)
    assert (product.name, product.slug, product.description) == (
        "Baguette tradition",
        "baguette-tradition",
        "Farine de Normandie.",
    )
    assert (product.price, product.vat_rate, product.unit) == (
        Decimal("1.30"),
        Decimal("5.50"),
        Unit.PIECE,
    )
    assert (product.allergens, product.stock, product.is_active) == (
        Allergen.GLUTEN | Allergen.SESAME,
        30,
        True,
    )


def test_it_creates_a_made_to_order_product_by_default(shop):
    product = create_product(shop)

    assert (product.stock, product.is_unlimited, product.allergens) == (None, True, Allergen(0))


def test_it_numbers_the_slug_of_a_second_product_of_the_same_name(shop):
    first = create_product(shop)
    second = create_product(shop)
    elsewhere = create_product(make_shop(shop.city))

    assert [first.slug, second.slug, elsewhere.slug] == [
        "baguette-tradition",
        "baguette-tradition-2",
        "baguette-tradition",
    ]


def test_it_rounds_the_price_half_up_to_the_cent(shop):
    assert create_product(shop, price=Decimal("2.345")).price == Decimal("2.35")
    assert create_product(shop, price=Decimal("2")).price == Decimal("2.00")


def test_it_accepts_a_free_product(shop):
    assert create_product(shop, price=Decimal("0")).price == Decimal("0.00")


def test_it_accepts_each_french_vat_rate(shop):
    rates = [create_product(shop, vat_rate=rate).vat_rate for rate in VatRate]

    assert rates == [Decimal("2.10"), Decimal("5.50"), Decimal("10.00"), Decimal("20.00")]


def test_it_stores_a_vat_rate_to_two_decimals(shop):
    assert str(create_product(shop, vat_rate=Decimal("20")).vat_rate) == "20.00"


def test_it_refuses_a_float_price(shop):
    with pytest.raises(TypeError, match="A price is a Decimal, never a float"):
        create_product(shop, price=1.3)

    assert not Product.objects.exists()


def test_it_refuses_a_float_vat_rate(shop):
    with pytest.raises(TypeError, match="A VAT rate is a Decimal, never a float"):
        create_product(shop, vat_rate=5.5)

    assert not Product.objects.exists()


def test_it_refuses_a_negative_price(shop):
    with pytest.raises(InvalidPrice) as caught:
        create_product(shop, price=Decimal("-0.01"))

    assert (caught.value.code, caught.value.field) == ("invalid_price", "price")
    assert not Product.objects.exists()


def test_it_refuses_a_price_that_is_not_a_number(shop):
    with pytest.raises(InvalidPrice):
        create_product(shop, price=Decimal("NaN"))

    assert not Product.objects.exists()


def test_it_refuses_a_price_too_large_for_the_column(shop):
    with pytest.raises(InvalidInput) as caught:
        create_product(shop, price=Decimal("100000000"))

    assert caught.value.field == "price"
    assert not Product.objects.exists()


def test_it_refuses_an_unknown_vat_rate(shop):
    with pytest.raises(UnknownVatRate) as caught:
        create_product(shop, vat_rate=Decimal("7"))

    assert (caught.value.code, caught.value.params) == ("unknown_vat_rate", {"rate": Decimal("7")})
    assert not Product.objects.exists()


def test_it_refuses_a_negative_stock(shop):
    with pytest.raises(NegativeStock) as caught:
        create_product(shop, stock=-1)

    assert (caught.value.code, caught.value.field) == ("negative_stock", "stock")
    assert not Product.objects.exists()


def test_it_refuses_a_category_of_another_shop(shop):
    foreign = make_category(make_shop(shop.city))

    with pytest.raises(CategoryNotInShop) as caught:
        create_product(shop, category=foreign)

    assert caught.value.code == "category_not_in_shop"
    assert not Product.objects.exists()


def test_it_refuses_an_unknown_unit(shop):
    with pytest.raises(InvalidInput) as caught:
        create_product(shop, unit="barrel")

    assert caught.value.field == "unit"
    assert not Product.objects.exists()


# product_update


def test_it_updates_a_product_and_keeps_its_slug(shop):
    product = make_product(shop, name="Baguette", slug="baguette")
    category = make_category(shop)

    product_update(
        product=product,
        name=" Baguette de tradition ",
        price=Decimal("1.355"),
        vat_rate=VatRate.INTERMEDIATE,
        category=category,
        stock=None,
        allergens=Allergen.GLUTEN,
        is_active=False,
    )

    product.refresh_from_db()
    assert (product.name, product.slug, product.price, product.vat_rate) == (
        "Baguette de tradition",
        "baguette",
        Decimal("1.36"),
        Decimal("10.00"),
    )
    assert (product.category, product.stock, product.allergens, product.is_active) == (
        category,
        None,
        Allergen.GLUTEN,
        False,
    )


def test_it_refuses_to_update_a_field_it_does_not_own(shop):
    product = make_product(shop)
    before = snapshot(product)

    with pytest.raises(TypeError, match=r"cannot change city, slug"):
        product_update(product=product, slug="autre", city=None)

    assert snapshot(product) == before


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"price": 2.5}, TypeError),
        ({"price": Decimal("-1")}, InvalidPrice),
        ({"vat_rate": Decimal("19.6")}, UnknownVatRate),
        ({"stock": -3}, NegativeStock),
        ({"name": "", "price": Decimal("9")}, InvalidInput),
    ],
)
def test_it_refuses_an_invalid_update_and_changes_nothing(shop, fields, error):
    product = make_product(shop)
    before = snapshot(product)

    with pytest.raises(error):
        product_update(product=product, **fields)

    assert snapshot(product) == before
    assert (product.name, product.price) == (before["name"], before["price"])


def test_it_refuses_to_move_a_product_to_another_shops_category(shop):
    product = make_product(shop)
    before = snapshot(product)

    with pytest.raises(CategoryNotInShop):
        product_update(product=product, category=make_category(make_shop(shop.city)))

    assert snapshot(product) == before


def test_it_takes_a_product_out_of_its_category(shop):
    product = make_product(shop, category=make_category(shop))

    product_update(product=product, category=None)

    assert Product.objects.get(pk=product.pk).category is None


# product_set_stock


def test_it_sets_the_stock(shop):
    product = make_product(shop, stock=3)

    product_set_stock(product=product, stock=12)

    assert Product.objects.get(pk=product.pk).stock == 12


def test_it_sets_the_stock_to_zero_which_sells_the_product_out(shop):
    product = make_product(shop, stock=3)

    product_set_stock(product=product, stock=0)

    assert Product.objects.get(pk=product.pk).is_sold_out is True


def test_it_makes_a_product_made_to_order(shop):
    product = make_product(shop, stock=3)

    product_set_stock(product=product, stock=None)

    assert Product.objects.get(pk=product.pk).stock is None


def test_it_refuses_a_negative_stock_and_keeps_the_count(shop):
    product = make_product(shop, stock=3)

    with pytest.raises(NegativeStock):
        product_set_stock(product=product, stock=-1)

    assert Product.objects.get(pk=product.pk).stock == 3
    assert product.stock == 3


def test_a_product_never_takes_the_slug_of_the_shops_terms_page(shop):
    product = create_product(shop, name="Terms")

    assert product.slug == "terms-2"  # /<city>/<shop>/terms/ is the shop's terms of sale

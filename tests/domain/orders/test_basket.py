from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from comptoir.domain.catalogue.models import Product
from comptoir.domain.orders.errors import (
    BasketOwnerRequired,
    InvalidQuantity,
    OutOfStock,
    ProductInAnotherCity,
    ProductNotOnSale,
    ShopPaused,
    Shortfall,
    SoldOut,
)
from comptoir.domain.orders.models import Basket, BasketLine, Order
from comptoir.domain.orders.selectors import basket_of
from comptoir.domain.orders.services import (
    basket_add,
    basket_for,
    basket_merge,
    basket_refill_from_order,
    basket_remove,
    basket_set_quantity,
)
from comptoir.domain.shops.models import Shop
from tests.domain.orders.support import NOW
from tests.domain.orders.test_checkout import place
from tests.factories import make_city, make_product, make_shop, make_user


def quantities(basket):
    return dict(BasketLine.objects.filter(basket=basket).values_list("product", "quantity"))


def test_it_finds_no_basket_without_creating_one(city):
    user = make_user()

    assert basket_for(city=city, user=user) is None
    assert basket_for(city=city, session_key="abc") is None
    assert Basket.objects.count() == 0


def test_it_creates_one_basket_per_customer_and_city(city):
    user = make_user()
    other_city = make_city()

    first = basket_for(city=city, user=user, create=True)
    again = basket_for(city=city, user=user, create=True)
    elsewhere = basket_for(city=other_city, user=user, create=True)
    anonymous = basket_for(city=city, session_key="abc", create=True)

    assert first == again
    assert elsewhere != first
    assert (anonymous.user, anonymous.session_key) == (None, "abc")
    assert Basket.objects.count() == 3


def test_a_basket_is_found_by_its_owner_and_city_in_one_statement(city):
    user, other_city = make_user(), make_city()
    mine = basket_for(city=city, user=user, create=True)
    visitors = basket_for(city=city, session_key="abc", create=True)
    basket_for(city=other_city, user=user, create=True)
    basket_for(city=city, session_key="xyz", create=True)

    with CaptureQueriesContext(connection) as queries:
        found = basket_of(city=city, user=user)
        anonymous = basket_of(city=city, session_key="abc")
        assert found is not None
        assert anonymous is not None
        # What the caller gave is the basket's: no query for it.
        assert (found.city, found.user, anonymous.city) == (city, user, city)

    assert len(queries.captured_queries) == 2
    assert (found.pk, anonymous.pk) == (mine.pk, visitors.pk)
    assert (anonymous.user_id, anonymous.session_key) == (None, "abc")
    assert found._state.adding is False
    assert basket_of(city=city, session_key="nobody") is None
    assert basket_of(city=make_city(), user=user) is None


def test_it_needs_exactly_one_owner(city):
    with pytest.raises(BasketOwnerRequired):
        basket_for(city=city, create=True)
    with pytest.raises(BasketOwnerRequired):
        basket_for(city=city, user=make_user(), session_key="abc", create=True)

    assert Basket.objects.count() == 0


def test_it_adds_a_product_and_more_of_it_up_to_ninety_nine(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(shop, stock=None)  # made to order: never runs out

    basket_add(basket=basket, product=product)
    line = basket_add(basket=basket, product=product, quantity=3)

    assert (line.quantity, line.city_id) == (4, city.pk)
    assert basket_add(basket=basket, product=product, quantity=120).quantity == 99
    assert quantities(basket) == {product.pk: 99}


def test_adding_writes_the_line_in_one_statement_and_more_keeps_its_place(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    bread, butter = make_product(shop, stock=None), make_product(shop, stock=None)

    with CaptureQueriesContext(connection) as first:
        line = basket_add(basket=basket, product=bread)
    basket_add(basket=basket, product=butter)
    with CaptureQueriesContext(connection) as more:
        again = basket_add(basket=basket, product=bread, quantity=2)

    # One INSERT … ON CONFLICT each, the new line and more of one already there.
    assert [len(first), len(more)] == [1, 1]
    assert (again.pk, again.quantity, again.basket, again.product) == (line.pk, 3, basket, bread)
    stored = BasketLine.objects.get(pk=line.pk)
    assert again.added_at == line.added_at == stored.added_at  # read when asked for
    # More bread is still the first line: the basket keeps the order things were added in.
    assert [row.product_id for row in basket.lines.all()] == [bread.pk, butter.pk]


def test_it_refuses_to_add_more_than_is_left_and_adds_nothing(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(shop, stock=3)

    with pytest.raises(OutOfStock) as refused:
        basket_add(basket=basket, product=product, quantity=4)

    assert refused.value.shortfalls == [Shortfall(product.pk, product.name, wanted=4, available=3)]
    assert quantities(basket) == {}
    assert basket_add(basket=basket, product=product, quantity=3).quantity == 3


@pytest.mark.parametrize("sold_out", ["stock", "today"])
def test_it_refuses_a_sold_out_product(city, shop, sold_out):
    basket = basket_for(city=city, user=make_user(), create=True)
    if sold_out == "stock":
        product = make_product(shop, stock=0)
    else:
        product = make_product(shop, sold_out_until=datetime(2099, 1, 1, tzinfo=UTC))

    with pytest.raises(SoldOut) as refused:
        basket_add(basket=basket, product=product)

    assert refused.value.code == "sold_out"
    with translation.override("en"):
        assert str(refused.value) == f"{product.name} is sold out for now."
    assert quantities(basket) == {}


def test_it_refuses_a_product_of_a_paused_shop(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(shop)
    Shop.objects.filter(pk=shop.pk).update(is_paused=True)
    product.shop.refresh_from_db()

    with pytest.raises(ShopPaused):
        basket_add(basket=basket, product=product)

    assert quantities(basket) == {}


def test_it_refuses_a_quantity_below_one(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(shop)

    bad: tuple[object, ...] = (0, -2, 1.5, True)
    for quantity in bad:
        with pytest.raises(InvalidQuantity):
            basket_add(basket=basket, product=product, quantity=quantity)  # type: ignore[arg-type]

    assert quantities(basket) == {}


def test_it_refuses_a_product_not_on_sale_or_of_an_unpublished_shop(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    withdrawn = make_product(shop, is_active=False)
    hidden_shop = make_shop(city, is_active=False)
    hidden = make_product(hidden_shop)

    with pytest.raises(ProductNotOnSale) as caught:
        basket_add(basket=basket, product=withdrawn)
    with pytest.raises(ProductNotOnSale):
        basket_add(basket=basket, product=hidden)

    with translation.override("en"):
        assert str(caught.value) == f"{withdrawn.name} is not on sale at the moment."
    assert quantities(basket) == {}


def test_it_refuses_a_product_of_another_city(city):
    basket = basket_for(city=city, user=make_user(), create=True)
    product = make_product(make_shop(make_city()))

    with pytest.raises(ProductInAnotherCity):
        basket_add(basket=basket, product=product)

    assert quantities(basket) == {}


def test_it_sets_a_quantity_and_zero_removes_the_line(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    bread, cake = make_product(shop), make_product(shop)
    basket_add(basket=basket, product=bread, quantity=5)

    basket_set_quantity(basket=basket, product=bread, quantity=2)
    basket_set_quantity(basket=basket, product=cake, quantity=150)
    assert quantities(basket) == {bread.pk: 2, cake.pk: 99}

    assert basket_set_quantity(basket=basket, product=bread, quantity=0) is None
    assert quantities(basket) == {cake.pk: 99}


def test_setting_a_quantity_is_one_statement_and_the_line_keeps_its_place(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    bread, butter, jam = (make_product(shop, stock=None) for _ in range(3))
    line = basket_add(basket=basket, product=bread, quantity=5)
    basket_add(basket=basket, product=butter)

    with CaptureQueriesContext(connection) as fewer:
        changed = basket_set_quantity(basket=basket, product=bread, quantity=2)
    with CaptureQueriesContext(connection) as new:
        added = basket_set_quantity(basket=basket, product=jam, quantity=3)

    # One INSERT … ON CONFLICT each: the quantity replaced, or the line made.
    assert [len(fewer), len(new)] == [1, 1]
    assert changed is not None
    assert added is not None
    assert (changed.pk, changed.quantity, changed.product) == (line.pk, 2, bread)
    assert (added.quantity, added.product) == (3, jam)
    assert BasketLine.objects.get(pk=line.pk).added_at == line.added_at
    assert [row.product_id for row in basket.lines.all()] == [bread.pk, butter.pk, jam.pk]
    assert quantities(basket) == {bread.pk: 2, butter.pk: 1, jam.pk: 3}


def test_it_refuses_a_negative_quantity_and_changes_nothing(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    bread = make_product(shop)
    basket_add(basket=basket, product=bread, quantity=5)

    with pytest.raises(InvalidQuantity):
        basket_set_quantity(basket=basket, product=bread, quantity=-1)

    assert quantities(basket) == {bread.pk: 5}


def test_it_removes_a_product(city, shop):
    basket = basket_for(city=city, user=make_user(), create=True)
    bread, cake = make_product(shop), make_product(shop)
    basket_add(basket=basket, product=bread)
    basket_add(basket=basket, product=cake)

    basket_remove(basket=basket, product=bread)
    basket_remove(basket=basket, product=bread)

    assert quantities(basket) == {cake.pk: 1}


def test_it_merges_the_visitors_basket_into_the_customers_at_log_in(city, shop):
    user = make_user()
    mine = basket_for(city=city, user=user, create=True)
    visitor = basket_for(city=city, session_key="abc", create=True)
    bread, cake = make_product(shop), make_product(shop)
    tart = make_product(shop, stock=None)
    basket_add(basket=mine, product=bread, quantity=2)
    basket_add(basket=mine, product=tart, quantity=90)
    basket_add(basket=visitor, product=bread, quantity=3)
    basket_add(basket=visitor, product=cake, quantity=1)
    basket_add(basket=visitor, product=tart, quantity=20)

    merged = basket_merge(session_basket=visitor, user=user)

    assert merged == mine
    assert quantities(mine) == {bread.pk: 5, cake.pk: 1, tart.pk: 99}
    assert not Basket.objects.filter(pk=visitor.pk).exists()
    assert BasketLine.objects.count() == 3


def test_it_makes_the_visitors_basket_the_customers_first_one(city, shop):
    user = make_user()
    visitor = basket_for(city=city, session_key="abc", create=True)
    bread = make_product(shop, price=Decimal("1.30"))
    basket_add(basket=visitor, product=bread, quantity=3)

    merged = basket_merge(session_basket=visitor, user=user)

    assert merged.user == user
    assert quantities(merged) == {bread.pk: 3}
    assert list(Basket.objects.values_list("user", "session_key")) == [(user.pk, "")]


def placed_bread_order(scene):
    """Camille's bread order (2 baguettes, 3 croissants); her basket is empty after it."""
    place(scene)
    return Order.objects.get(shop=scene.bakery)


def test_it_refills_the_basket_with_an_orders_products(scene):
    order = placed_bread_order(scene)
    basket_add(basket=scene.basket, product=scene.baguette, quantity=1)

    unavailable = basket_refill_from_order(basket=scene.basket, order=order, now=NOW)

    assert unavailable == []
    assert quantities(scene.basket) == {scene.baguette.pk: 3, scene.croissant.pk: 3}


def test_it_names_what_cannot_be_put_back_and_adds_the_rest(scene):
    order = placed_bread_order(scene)
    tart = make_product(scene.bakery, name="Tarte aux pommes", stock=0)
    log = make_product(scene.bakery, name="Bûche", preorder_on=date(2026, 3, 9))
    gone = make_product(scene.bakery, name="Pain de mie")
    for product in (tart, log, gone):
        order.lines.create(
            city=scene.city,
            product=product,
            product_name=product.name,
            unit="piece",
            unit_price=product.price,
            vat_rate=product.vat_rate,
            quantity=1,
            line_total=product.price,
        )
    gone.delete()
    Product.objects.filter(pk=scene.croissant.pk).update(is_active=False)

    unavailable = basket_refill_from_order(basket=scene.basket, order=order, now=NOW)

    assert unavailable == ["Croissant", "Tarte aux pommes", "Bûche", "Pain de mie"]
    assert quantities(scene.basket) == {scene.baguette.pk: 2}


def test_it_puts_nothing_back_from_an_unpublished_shop(scene):
    order = placed_bread_order(scene)
    Shop.objects.filter(pk=scene.bakery.pk).update(is_active=False)

    unavailable = basket_refill_from_order(basket=scene.basket, order=order, now=NOW)

    assert unavailable == ["Baguette tradition", "Croissant"]
    assert quantities(scene.basket) == {}

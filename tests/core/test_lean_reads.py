"""Model instances from a statement written once (comptoir/core/lean_reads.py)."""

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_init

from comptoir.core import lean_reads
from comptoir.core.lean_reads import (
    Known,
    Names,
    attach,
    build,
    build_joined,
    convert_values,
    read_one,
    select_list,
    select_lists,
)
from comptoir.domain.catalogue.models import Category, Product
from comptoir.domain.cities.models import City
from comptoir.domain.shops.models import Shop
from tests.factories import make_city, make_product, make_shop

pytestmark = pytest.mark.django_db


def read(city: City) -> City:
    table = connection.ops.quote_name(City._meta.db_table)
    columns = select_list(City, "default", table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {table}.id = %s", [city.pk])  # noqa: S608
        row = cursor.fetchone()
    return build(City, "default", row)


def test_a_row_becomes_the_instance_the_orm_would_build():
    city = make_city(name="Rouen", is_live=True)
    expected = City.objects.get(pk=city.pk)

    built = read(city)

    for field in City._meta.concrete_fields:
        value, wanted = getattr(built, field.attname), getattr(expected, field.attname)
        assert (value, type(value)) == (wanted, type(wanted)), field.name


def read_row(model, pk):
    names = Names("default")
    statement = (
        f"SELECT {select_list(model, 'default', names.table(model))} "  # noqa: S608
        f"FROM {names.table(model)} WHERE {names.table(model)}.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [pk])
        return cursor.fetchone()


def test_a_built_instance_holds_what_from_db_gives_photo_and_foreign_keys_included():
    product = make_product(name="Tarte aux pommes", photo="products/tarte.jpg")
    row = read_row(Product, product.pk)
    names, converters = lean_reads._fields(Product, "default")
    values = [
        convert(value) if convert else value for convert, value in zip(converters, row, strict=True)
    ]
    expected = Product.from_db("default", names, values)

    built = build(Product, "default", row)

    assert lean_reads._plain(Product)  # the straight way, not from_db
    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(expected).items() if k != "_state"
    }
    assert (built._state.adding, built._state.db) == (False, "default")
    assert built.photo.name == "products/tarte.jpg"
    assert built.photo.url.endswith("/products/tarte.jpg")
    assert built.shop == product.shop  # the foreign key, loaded on demand
    built.name = "Tarte fine"
    built.save(update_fields=["name"])
    assert Product.objects.get(pk=product.pk).name == "Tarte fine"


def test_a_model_whose_instances_are_watched_is_built_through_from_db():
    """A receiver of post_init (as an image field with sizes connects) sees each instance."""
    city = make_city(name="Rouen")
    seen = []

    def watch(sender, instance, **kwargs):
        seen.append(instance.pk)

    post_init.connect(watch, sender=City)
    try:
        built = read(city)
    finally:
        post_init.disconnect(watch, sender=City)

    assert seen == [city.pk]
    assert built.name == "Rouen"


class Converting:
    """A field attribute of our own that converts what it is given."""

    def __get__(self, instance, owner=None):
        return self if instance is None else instance.__dict__["name"]

    def __set__(self, instance, value):
        instance.__dict__["name"] = value.title()


def test_a_model_with_its_own_init_or_field_attribute_is_built_through_from_db(monkeypatch):
    city = make_city(name="rouen")
    lean_reads._plain.cache_clear()
    monkeypatch.setattr(City, "name", Converting())
    try:
        assert not lean_reads._plain(City)
        assert read(city).name == "Rouen"  # through the attribute, as from_db would
        monkeypatch.undo()
        lean_reads._plain.cache_clear()
        monkeypatch.setattr(City, "__init__", lambda self, *a, **k: Model.__init__(self, *a, **k))
        assert not lean_reads._plain(City)
    finally:
        monkeypatch.undo()
        lean_reads._plain.cache_clear()
    assert lean_reads._plain(City)


def test_the_instance_is_known_to_come_from_the_database():
    """So that saving it updates its row, and Django tracks what it loaded."""
    city = make_city(name="Rouen")
    built = read(city)
    assert (built._state.adding, built._state.db) == (False, "default")

    built.name = "Rouen Métropole"
    built.save(update_fields=["name"])
    assert City.objects.get(pk=city.pk).name == "Rouen Métropole"
    assert City.objects.count() == 1


def test_every_concrete_column_is_selected_in_field_order_quoted():
    columns = select_list(City, "default", "c").split(", ")
    quote = connection.ops.quote_name
    assert columns == [f"c.{quote(str(f.column))}" for f in City._meta.concrete_fields]


def test_names_quote_a_models_table_and_its_fields_columns():

    names, quote = Names("default"), connection.ops.quote_name
    assert names.table(Shop) == quote("shops_shop")
    assert names.column(Shop, "city") == quote("city_id")  # a foreign key's column
    assert names.column(Shop, "slug") == quote("slug")
    with pytest.raises(TypeError):
        names.column(City, "shops")  # a reverse relation has no column


def test_a_joins_select_list_is_each_models_in_turn():

    assert select_lists("default", (Shop, "s"), (City, "c")) == (
        f"{select_list(Shop, 'default', 's')}, {select_list(City, 'default', 'c')}"
    )
    assert select_lists("default", (City, "c")) == select_list(City, "default", "c")


def test_a_few_columns_convert_as_values_list_gives_them():

    shop = make_shop(city=make_city(name="Rouen"), name="Fournil")
    names = Names("default")
    columns = ("id", "created_at", "is_active")
    statement = (
        f"SELECT {', '.join(names.column(Shop, name) for name in columns)} "  # noqa: S608
        f"FROM {names.table(Shop)} WHERE {names.column(Shop, 'id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [shop.pk])
        [row] = cursor.fetchall()

    converted = convert_values(Shop, "default", columns, row)
    assert converted == Shop.objects.filter(pk=shop.pk).values_list(*columns).get()
    assert converted[1].tzinfo is not None  # an aware datetime, on SQLite's text too
    with pytest.raises(ValueError, match="shorter"):
        convert_values(Shop, "default", columns, row[:2])


def joined_rows(*shops):

    names = Names("default")
    shop_table, city_table = names.table(Shop), names.table(City)
    category_table = names.table(Category)
    columns = select_lists(
        "default", (Shop, shop_table), (City, city_table), (Category, category_table)
    )
    statement = (
        f"SELECT {columns} FROM {shop_table}"  # noqa: S608
        f" JOIN {city_table} ON {city_table}.id = {shop_table}.city_id"
        f" LEFT JOIN {category_table} ON {category_table}.shop_id = {shop_table}.id"
        f" WHERE {shop_table}.id IN ({', '.join(['%s'] * len(shops))})"
        f" ORDER BY {shop_table}.id, {category_table}.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [shop.pk for shop in shops])
        return cursor.fetchall()


def test_a_joined_row_gives_one_instance_per_model_and_none_where_the_outer_join_found_none():

    shop = make_shop(city=make_city(name="Rouen"), name="Fournil")
    [row] = joined_rows(shop)

    built_shop, built_city, category = build_joined("default", row, (Shop, City, Category))

    assert (built_shop.pk, built_shop.name, built_shop._state.adding) == (shop.pk, "Fournil", False)
    assert (built_city.pk, built_city.name) == (shop.city_id, "Rouen")
    assert category is None


def test_rows_of_one_read_share_the_instances_they_have_in_common():

    shop = make_shop(city=make_city(name="Rouen"))
    for name in ("Pains", "Viennoiseries"):
        Category.objects.create(shop=shop, name=name)
    rows = joined_rows(shop)
    assert len(rows) == 2

    known: Known = {}
    first, second = (
        build_joined("default", row, (Shop, City, Category), known=known) for row in rows
    )

    assert first[0] is second[0]  # one shop
    assert first[1] is second[1]  # one city
    assert [first[2].name, second[2].name] == ["Pains", "Viennoiseries"]
    alone = [build_joined("default", row, (Shop, City, Category)) for row in rows]
    assert alone[0][0] is not alone[1][0]  # without `known`, each row its own


def test_a_row_whose_width_is_not_the_models_is_refused():

    [row] = joined_rows(make_shop(city=make_city(name="Rouen")))
    with pytest.raises(ValueError, match="columns"):
        build_joined("default", row, (Shop, City))


def test_attach_sets_a_relation_without_a_query(django_assert_num_queries):

    shop = make_shop(city=make_city(name="Rouen"))
    bare = Shop.objects.get(pk=shop.pk)
    other = make_city(name="Caen")
    attach(bare, "city", other)
    with django_assert_num_queries(0):
        assert bare.city is other


def test_read_one_builds_the_row_a_statement_reads_or_raises_the_first_models_missing():

    shop = make_shop(city=make_city(name="Rouen"), name="Fournil")
    aliases = []

    def statement(alias: str) -> str:
        aliases.append(alias)
        names = Names(alias)
        shops, cities = names.table(Shop), names.table(City)
        columns = select_lists(alias, (Shop, "s"), (City, "c"))
        return (
            f"SELECT {columns} FROM {shops} s INNER JOIN {cities} c "  # noqa: S608
            f"ON c.{names.column(City, 'id')} = s.{names.column(Shop, 'city')} "
            f"WHERE s.{names.column(Shop, 'id')} = %s"
        )

    built_shop, built_city = read_one((Shop, City), statement, [shop.pk], missing="none")

    assert (built_shop.pk, built_shop.name, built_city.name) == (shop.pk, "Fournil", "Rouen")
    assert aliases == ["default"]
    with pytest.raises(Shop.DoesNotExist, match="no shop 0"):
        read_one((Shop, City), statement, [0], missing="no shop 0")

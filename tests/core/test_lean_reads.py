"""Model instances from a statement written once (comptoir/core/lean_reads.py)."""

import pytest
from django.db import connection

from comptoir.core.lean_reads import Names, build, select_list
from comptoir.domain.cities.models import City
from tests.factories import make_city

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
    from comptoir.domain.shops.models import Shop

    names, quote = Names("default"), connection.ops.quote_name
    assert names.table(Shop) == quote("shops_shop")
    assert names.column(Shop, "city") == quote("city_id")  # a foreign key's column
    assert names.column(Shop, "slug") == quote("slug")
    with pytest.raises(TypeError):
        names.column(City, "shops")  # a reverse relation has no column

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from comptoir.domain.search import schema
from comptoir.domain.search.selectors import search_city
from comptoir.domain.search.services import search_index_rebuild, search_index_repair
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def names(results) -> list[str]:
    return [product.name for product in results.products]


def index_table() -> str:
    return schema.INDEX_TABLE[connection.vendor]


def test_it_rebuilds_an_emptied_index(city, catalogue):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index_table()}")  # noqa: S608 (a constant table name)
    assert names(search_city(city=city, query="eclair")) == []
    search_index_rebuild()
    assert names(search_city(city=city, query="eclair")) == ["Éclair au chocolat"]


def test_it_repairs_triggers_lost_with_a_rebuilt_table(city, catalogue):
    trigger, table = next(iter(schema._triggers(connection.vendor).items()))
    on_table = "" if connection.vendor == "sqlite" else f" ON {table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {trigger}{on_table}")
    assert schema.missing_triggers(connection) == {trigger}
    make_product(catalogue["pastry"], name="Religieuse", slug="religieuse")

    assert search_index_repair() is True
    assert schema.missing_triggers(connection) == set()
    assert names(search_city(city=city, query="religieuse")) == ["Religieuse"]
    assert search_index_repair() is False


def test_its_command_rebuilds_the_index(city, catalogue):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index_table()}")  # noqa: S608 (a constant table name)
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert out.getvalue().startswith("Search index rebuilt in ")
    assert names(search_city(city=city, query="croissant")) == ["Croissant"]


def test_it_is_installed_with_all_its_triggers_by_the_migration(db):
    assert index_table() in connection.introspection.table_names()
    assert schema.missing_triggers(connection) == set()


def test_the_name_first_pass_has_a_name_only_index_on_each_database(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_product_name'"
            )
            (definition,) = cursor.fetchone()
            assert "ON public.catalogue_product USING gin (to_tsvector('french'" in definition
        else:
            # SQLite's FTS5 table indexes the name in its own column, first.
            columns = [row[1] for row in cursor.execute("PRAGMA table_info(search_product_fts)")]
            assert columns[0] == "name"

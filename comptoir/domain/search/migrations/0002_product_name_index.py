"""PostgreSQL: a GIN index over each product's unaccented French name vector.

It backs the name-first pass of the search (products whose name holds every
term are ranked first, and alone when they fill the page). An expression
index on `catalogue_product` (`schema.PG_NAME_INDEX_CREATE`), kept by
PostgreSQL itself: no trigger, no column, no model. A no-op on SQLite (its FTS5
table already has a name column), so `makemigrations --check` has nothing to
compare.
"""

from django.db import migrations

from comptoir.domain.search import schema


def forwards(apps, schema_editor):
    schema.install_name_index(schema_editor)


def backwards(apps, schema_editor):
    schema.uninstall_name_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""The search index of the database in use (SQLite FTS5 or PostgreSQL), filled from the catalogue.

Raw SQL per backend, no model: `schema.install` runs only the statements of
`schema_editor.connection.vendor`, so this migration is a no-op elsewhere and
`makemigrations --check` has nothing to compare.
"""

from django.db import migrations

from comptoir.domain.search import schema


def forwards(apps, schema_editor):
    schema.install(schema_editor)


def backwards(apps, schema_editor):
    schema.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_unit_label"),
        ("shops", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]

"""Product.revision and the trigger that raises it on every UPDATE (catalogue/revision.py)."""

from django.db import migrations, models

from comptoir.domain.catalogue import revision
from comptoir.domain.search import schema


def drop_search_triggers(apps, schema_editor):
    # SQLite copies catalogue_product to add a NOT NULL column, and refuses to
    # while a search trigger names the table; search's post_migrate repair
    # puts them back (shops 0005 does the same).
    schema.drop_sqlite_triggers(schema_editor)


def install(apps, schema_editor):
    revision.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    revision.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0005_back_office"),
    ]

    operations = [
        migrations.RunPython(drop_search_triggers, migrations.RunPython.noop, elidable=False),
        migrations.AddField(
            model_name="product",
            name="revision",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]

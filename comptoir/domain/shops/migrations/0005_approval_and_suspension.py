"""When a shop was approved, and whether it is suspended (unpublished while it is).

SQLite adds the CHECK by copying `shops_shop`, which it refuses while the
search triggers name the table: they are dropped first, and the search app's
post-migrate repair puts them back (comptoir/domain/search/schema.py).
"""

from django.db import migrations, models

from comptoir.domain.search import schema


def drop_search_triggers(apps, schema_editor):
    schema.drop_sqlite_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0003_go_live_setting"),
        ("shops", "0004_pause_until_and_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="shop",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="approved at"),
        ),
        migrations.AddField(
            model_name="shop",
            name="suspended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="suspended at"),
        ),
        migrations.RunPython(drop_search_triggers, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="shop",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("suspended_at__isnull", True), ("is_active", False), _connector="OR"
                ),
                name="shops_shop_suspended_is_unpublished",
            ),
        ),
    ]

"""Ship the Rouen area's postcode centres (the approximate geocoder's data)."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "postcodes_fr_rouen.csv"


def load(apps, schema_editor):
    # The historical model: this migration must not import today's code.
    PostcodeArea = apps.get_model("fulfilment", "PostcodeArea")
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            PostcodeArea.objects.update_or_create(
                country=row["country"],
                postal_code=row["postal_code"],
                defaults={
                    "name": row["name"],
                    "latitude": Decimal(row["latitude"]),
                    "longitude": Decimal(row["longitude"]),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("fulfilment", "0002_postcode_areas")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

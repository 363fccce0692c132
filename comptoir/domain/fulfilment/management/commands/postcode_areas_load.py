"""Load postcode centres for the approximate geocoder from a CSV file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from comptoir.domain.fulfilment.geocode import SHIPPED_AREAS, postcode_areas_load


class Command(BaseCommand):
    help = (
        "Create or update postcode areas from a CSV file with the columns "
        "country,postal_code,name,latitude,longitude (default: the shipped Rouen area)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=SHIPPED_AREAS)

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            count = postcode_areas_load(path=path)
        except (KeyError, ValueError, ArithmeticError, IntegrityError) as error:
            raise CommandError(
                f"{path}: not a postcode file ({error!r}); nothing was loaded."
            ) from error
        self.stdout.write(f"{count} postcode areas loaded from {path}.")

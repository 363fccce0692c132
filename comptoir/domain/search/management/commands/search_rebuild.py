"""`manage.py search_rebuild`: refill the search index from the catalogue."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS

from comptoir.domain.search.services import search_index_rebuild, search_index_repair


class Command(BaseCommand):
    help = "Rebuild the search index from the catalogue (the database keeps it in sync otherwise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if not search_index_repair(using=options["database"]):
            search_index_rebuild(using=options["database"])
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt in {time.perf_counter() - started:.1f} s.")
        )

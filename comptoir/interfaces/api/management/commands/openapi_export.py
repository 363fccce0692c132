"""`manage.py openapi_export`: write the API's OpenAPI document to docs/api/openapi.json.

The committed file is the contract outside tools and app developers read;
`make openapi` runs this after a change to the API, and the snapshot test
fails until it has been run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from comptoir.interfaces.api.openapi import snapshot_text
from comptoir.interfaces.api.urls import openapi_schema

SNAPSHOT = Path("docs") / "api" / "openapi.json"


class Command(BaseCommand):
    help = "Write the OpenAPI document of the JSON API to docs/api/openapi.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, default=None, help=f"Another file than {SNAPSHOT}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"] or Path(settings.BASE_DIR) / SNAPSHOT
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(snapshot_text(openapi_schema()), encoding="utf-8")
        self.stdout.write(f"wrote {output}")

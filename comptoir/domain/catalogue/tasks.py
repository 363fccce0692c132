"""Background work of the catalogue: CSV imports, run by the task worker."""

from __future__ import annotations

from django.tasks import task

from comptoir.domain.catalogue.csv_io.apply import catalogue_import_run


@task
def catalogue_import_task(*, import_id: int) -> str:
    """Import a confirmed CSV file (all rows or none); returns its final status."""
    return catalogue_import_run(import_id=import_id).status

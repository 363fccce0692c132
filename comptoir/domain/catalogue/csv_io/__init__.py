"""CSV import and export of a shop's catalogue (columns documented in docs/backoffice.md).

- `cells`: decoding (UTF-8 with or without BOM, Windows-1252), separators, French numbers;
- `plan`: what an import would do, row by row, with errors in plain words;
- `apply`: the all-or-nothing write, and the import jobs run by the worker;
- `export`: the same format out.
"""

from comptoir.domain.catalogue.csv_io.apply import (
    ImportCounts,
    ImportHasErrors,
    ImportNotWaiting,
    catalogue_import_apply,
    catalogue_import_confirm,
    catalogue_import_prepare,
    catalogue_import_run,
    import_rows_done,
)
from comptoir.domain.catalogue.csv_io.cells import CsvUnreadable
from comptoir.domain.catalogue.csv_io.export import catalogue_export_csv
from comptoir.domain.catalogue.csv_io.plan import (
    COLUMNS,
    Action,
    ImportPlan,
    PlannedRow,
    plan_import,
)

__all__ = [
    "COLUMNS",
    "Action",
    "CsvUnreadable",
    "ImportCounts",
    "ImportHasErrors",
    "ImportNotWaiting",
    "ImportPlan",
    "PlannedRow",
    "catalogue_export_csv",
    "catalogue_import_apply",
    "catalogue_import_confirm",
    "catalogue_import_prepare",
    "catalogue_import_run",
    "import_rows_done",
    "plan_import",
]

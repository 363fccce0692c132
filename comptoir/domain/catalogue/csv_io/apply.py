"""Writing an import: all rows in one transaction, or nothing.

The worker runs `catalogue_import_run` (through `tasks.catalogue_import_task`):
it reads the file again (the catalogue may have changed since the preview),
refuses it whole if any row has an error, and otherwise writes every row in
one transaction with bulk statements. Progress (rows done) is kept outside the
database, in a small file cache, because the transaction's own writes are
invisible to the page that polls until it commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from comptoir.core.errors import DomainError, InvalidInput
from comptoir.core.tasks import enqueue_after_commit
from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.csv_io import cells
from comptoir.domain.catalogue.csv_io.plan import Action, ImportPlan, plan_import
from comptoir.domain.catalogue.models import (
    RESERVED_PRODUCT_SLUGS,
    CatalogueImport,
    Category,
    ImportStatus,
    Product,
    Unit,
)
from comptoir.domain.catalogue.services import category_get_or_create
from comptoir.domain.catalogue.vat import normalize
from comptoir.domain.shops.models import Shop

PROGRESS_EVERY = 100
#: Fields checked in Python before the bulk insert; relations and files are ours.
NOT_CLEANED = ["city", "shop", "category", "photo", "photo_thumbnail", "slug"]


class ImportHasErrors(DomainError):
    code = "import_has_errors"
    default_message = _("Nothing was imported: %(count)s lines have errors.")

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(params={"count": len(errors)})


class ImportNotWaiting(DomainError):
    code = "import_not_waiting"
    default_message = _("This import was already started.")


@dataclass(frozen=True, slots=True)
class ImportCounts:
    created: int
    updated: int
    unchanged: int


def progress_cache() -> BaseCache:
    """Shared by the web and worker processes (files under VAR_DIR), unlike the local cache."""
    location = Path(settings.VAR_DIR) / "cache" / "catalogue-imports"
    return FileBasedCache(str(location), {"TIMEOUT": 24 * 3600})


def _progress_key(import_id: int) -> str:
    return f"catalogue-import-{import_id}"


def import_rows_done(job: CatalogueImport) -> int:
    """How many rows the worker has written so far (the page's progress bar)."""
    if job.status == ImportStatus.RUNNING:
        return int(progress_cache().get(_progress_key(job.pk), job.rows_done))
    return job.rows_done


def _clean_fields(product: Product) -> None:
    """Field validators only (lengths, choices): the parser already checked every value
    against the table's CHECK constraints, which the database enforces anyway; Django's
    own constraint validation would cost one query per constraint per row."""
    try:
        product.clean_fields(exclude=NOT_CLEANED)
    except ValidationError as error:
        raise InvalidInput(error) from error


def _free_slug(name: str, taken: set[str]) -> str:
    max_length = Product._meta.get_field("slug").max_length or 140
    base = slugify(name)[:max_length].strip("-") or "product"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].strip("-") + suffix
    taken.add(candidate)
    return candidate


def catalogue_import_apply(
    *,
    shop: Shop,
    plan: ImportPlan,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> ImportCounts:
    """Write every row of a valid plan in one transaction; `ImportHasErrors` otherwise."""
    if not plan.is_valid:
        raise ImportHasErrors(plan.errors)
    now = now or timezone.now()
    with transaction.atomic():
        categories = {normalize(c.name): c for c in Category.objects.filter(shop=shop)}
        for name in plan.new_categories:
            categories[normalize(name)] = category_get_or_create(shop=shop, name=name)
        taken = set(Product.objects.filter(shop=shop).values_list("slug", flat=True))
        taken |= RESERVED_PRODUCT_SLUGS  # never a product slug: the shop's own pages
        creates: list[Product] = []
        updates: list[Product] = []
        fields: set[str] = set()
        for done, row in enumerate(plan.rows, start=1):
            category = categories.get(normalize(row.category)) if row.category else None
            if row.action == Action.CREATE:
                product = Product(
                    shop=shop,
                    city_id=shop.city_id,
                    category=category,
                    created_at=now,
                    updated_at=now,
                    **({"unit": Unit.PIECE} | row.values),
                )
                product.price = product.price.quantize(cells.CENT)
                product.slug = _free_slug(product.name, taken)
                _clean_fields(product)
                creates.append(product)
            elif row.action == Action.UPDATE and row.product is not None:
                product = row.product
                for attribute, value in row.values.items():
                    setattr(product, attribute, value)
                if "price" in row.values:
                    product.price = product.price.quantize(cells.CENT)
                changed = set(row.changes) - {"category"}
                if "category" in row.changes:
                    product.category = category
                    changed.add("category")
                product.updated_at = now
                _clean_fields(product)
                fields |= changed | {"updated_at"}
                updates.append(product)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(plan.rows)):
                progress(done)
        Product.objects.bulk_create(creates, batch_size=500)
        if updates:
            Product.objects.bulk_update(updates, sorted(fields), batch_size=500)
    return ImportCounts(
        created=len(creates), updated=len(updates), unchanged=plan.count(Action.UNCHANGED)
    )


def catalogue_import_prepare(
    *, shop: Shop, user: User | None, filename: str, data: bytes
) -> tuple[CatalogueImport, ImportPlan]:
    """Read an uploaded file and keep it for its preview; `CsvUnreadable` says why not."""
    text = cells.decode(data)
    plan = plan_import(shop=shop, data=text)
    job = CatalogueImport.objects.create(
        shop=shop,
        created_by=user,
        filename=filename[:200],
        content=text,
        rows_total=len(plan.rows),
    )
    return job, plan


def catalogue_import_confirm(*, job: CatalogueImport) -> CatalogueImport:
    """The owner confirmed the preview: queue the import for the worker (after commit)."""
    # Imported here: the task module imports this one.
    from comptoir.domain.catalogue.tasks import catalogue_import_task

    with transaction.atomic():
        queued = CatalogueImport.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
            status=ImportStatus.QUEUED
        )
        if not queued:
            raise ImportNotWaiting
        enqueue_after_commit(catalogue_import_task, import_id=job.pk)
    job.status = ImportStatus.QUEUED
    return job


def catalogue_import_run(*, import_id: int) -> CatalogueImport:
    """The worker's side: import a queued file all or nothing, recording the outcome."""
    started = CatalogueImport.objects.filter(pk=import_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = CatalogueImport.objects.select_related("shop__city").get(pk=import_id)
    if not started:
        return job  # already run (a task delivered twice)
    cache = progress_cache()
    key = _progress_key(job.pk)
    try:
        plan = plan_import(shop=job.shop, data=job.content)
        counts = catalogue_import_apply(
            shop=job.shop, plan=plan, progress=lambda done: cache.set(key, done)
        )
    except ImportHasErrors as error:
        job.status = ImportStatus.FAILED
        job.error = "\n".join([str(error), *error.errors[:50]])
    except DomainError as error:
        job.status = ImportStatus.FAILED
        job.error = str(error)
    except DatabaseError as error:  # a constraint broken since the preview
        job.status = ImportStatus.FAILED
        job.error = gettext("Nothing was imported: the database refused it (%(error)s).") % {
            "error": error
        }
    else:
        job.status = ImportStatus.DONE
        job.rows_done = job.rows_total
        job.created_count = counts.created
        job.updated_count = counts.updated
        job.unchanged_count = counts.unchanged
    job.finished_at = timezone.now()
    job.save()
    cache.delete(key)
    return job

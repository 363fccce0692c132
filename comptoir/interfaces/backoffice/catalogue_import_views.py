"""CSV import and export of the catalogue (owners only).

Upload → preview (every row's action and every error, nothing written) →
confirm → the task worker imports all rows in one transaction → a progress
page, polled by htmx every second until the import is done or failed.
"""

from __future__ import annotations

import contextlib

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptoir.core.errors import DomainError
from comptoir.domain.catalogue import selectors
from comptoir.domain.catalogue.csv_io import (
    Action,
    CsvUnreadable,
    catalogue_export_csv,
    catalogue_import_confirm,
    catalogue_import_prepare,
    import_rows_done,
    plan_import,
)
from comptoir.domain.catalogue.models import CatalogueImport, ImportStatus
from comptoir.domain.shops.access import Permission
from comptoir.interfaces.backoffice.catalogue_forms import ImportForm
from comptoir.interfaces.backoffice.catalogue_views import _context, _shop, is_htmx
from comptoir.interfaces.pro.access import shop_view

#: Rows listed on the preview page; the counts and every error are always shown.
PREVIEW_ROWS = 500


def _job(request: HttpRequest, pk: int) -> CatalogueImport:
    job = selectors.catalogue_import_of_shop(_shop(request), pk)
    if job is None:
        raise Http404("No such import in this shop.")
    return job


@require_GET
@shop_view(Permission.MANAGE_CATALOGUE)
def products_export(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(catalogue_export_csv(shop=shop), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{shop.slug}-produits-{stamp}.csv"'
    return response


@shop_view(Permission.MANAGE_CATALOGUE)
def products_import(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job, _plan = catalogue_import_prepare(
                shop=shop,
                user=request.user,  # type: ignore[arg-type]
                filename=upload.name or "",
                data=upload.read(),
            )
        except CsvUnreadable as error:
            form.add_error("file", str(error))
        else:
            return redirect("backoffice:products_import_preview", shop.city.slug, shop.slug, job.pk)
    status = 422 if form.errors else 200
    return render(
        request, "backoffice/catalogue_import.html", _context(request, form=form), status=status
    )


@shop_view(Permission.MANAGE_CATALOGUE)
def products_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    shop = _shop(request)
    job = _job(request, pk)
    progress_url = ("backoffice:products_import_progress", shop.city.slug, shop.slug, job.pk)
    if job.status != ImportStatus.PREVIEW:
        return redirect(*progress_url)
    if request.method == "POST":
        # Confirmed twice (ImportNotWaiting): the progress page tells where it is.
        with contextlib.suppress(DomainError):
            catalogue_import_confirm(job=job)
        return redirect(*progress_url)
    try:
        plan = plan_import(shop=shop, data=job.content)
    except CsvUnreadable as error:
        return render(
            request,
            "backoffice/catalogue_import.html",
            _context(request, form=ImportForm(), file_error=str(error)),
            status=422,
        )
    return render(
        request,
        "backoffice/catalogue_import_preview.html",
        _context(
            request,
            job=job,
            plan=plan,
            rows=plan.rows[:PREVIEW_ROWS],
            hidden_rows=max(len(plan.rows) - PREVIEW_ROWS, 0),
            counts={
                "create": plan.count(Action.CREATE),
                "update": plan.count(Action.UPDATE),
                "unchanged": plan.count(Action.UNCHANGED),
            },
        ),
    )


@require_GET
@shop_view(Permission.MANAGE_CATALOGUE)
def products_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    done = import_rows_done(job)
    percent = round(100 * done / job.rows_total) if job.rows_total else 0
    template = (
        "backoffice/catalogue_import_status.html"
        if is_htmx(request)
        else "backoffice/catalogue_import_progress.html"
    )
    return render(
        request,
        template,
        _context(request, job=job, done=done, percent=percent, errors=job.error.splitlines()),
    )

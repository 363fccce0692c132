"""The shop's invoices: the list, one invoice as HTML, its PDF.

Owners only (Permission.VIEW_SALES, which staff lack: they get the 403
page); another shop's invoice is not found (404).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from comptoir.domain.billing.document import invoice_document
from comptoir.domain.billing.models import Invoice
from comptoir.domain.billing.pdf import invoice_pdf
from comptoir.domain.billing.selectors import invoice_of_shop, invoices_of_shop
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.backoffice.shop_views import shop_context
from comptoir.interfaces.pro.access import shop_view


def _shop(request: HttpRequest) -> Shop:
    return request.shop  # type: ignore[attr-defined]


def _invoice(request: HttpRequest, pk: int) -> Invoice:
    invoice = invoice_of_shop(shop=_shop(request), pk=pk)
    if invoice is None:
        raise Http404("No such invoice for this shop.")
    return invoice


@require_GET
@shop_view(Permission.VIEW_SALES)
def invoices(request: HttpRequest) -> HttpResponse:
    shop = _shop(request)
    suspended = shop.suspended_at is not None
    return render(
        request,
        "backoffice/billing/list.html",
        shop_context(
            request, pro_tab="invoices", invoices=invoices_of_shop(shop), suspended=suspended
        ),
    )


@require_GET
@shop_view(Permission.VIEW_SALES)
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    return render(
        request,
        "backoffice/billing/invoice.html",
        shop_context(request, pro_tab="invoices", invoice=invoice, doc=invoice_document(invoice)),
    )


@require_GET
@shop_view(Permission.VIEW_SALES)
def invoice_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = _invoice(request, pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{invoice.number}.pdf"'
    return response

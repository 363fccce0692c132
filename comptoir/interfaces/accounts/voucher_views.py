"""My vouchers: the list (usable first) and one voucher with its big code and QR code.

Reads through the deals selectors. Someone else's voucher is a 404, as if it
did not exist. Never cached: a voucher's status changes when it is used.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.domain.accounts.models import User
from comptoir.domain.deals.models import VOUCHER_CODE_LENGTH
from comptoir.domain.deals.qr import voucher_qr_svg
from comptoir.domain.deals.selectors import VoucherStatus, voucher_of_customer, vouchers_of
from comptoir.interfaces.accounts.views import current_time
from comptoir.interfaces.storefront.deal_views import weekday_names


def _customer(request: HttpRequest) -> User:
    return cast(User, request.user)


@never_cache
@login_required
@require_GET
def voucher_list(request: HttpRequest) -> HttpResponse:
    listed = vouchers_of(_customer(request), now=current_time())
    # The offer of a free item names it: loaded in one query, not one per voucher.
    prefetch_related_objects([cv.voucher.deal for cv in listed], "free_product")
    return render(
        request,
        "accounts/vouchers.html",
        {
            "usable": [cv for cv in listed if cv.status == VoucherStatus.VALID],
            "others": [cv for cv in listed if cv.status != VoucherStatus.VALID],
        },
    )


@never_cache
@login_required
@require_GET
def voucher_detail(request: HttpRequest, code: str) -> HttpResponse:
    found = voucher_of_customer(_customer(request), code[:VOUCHER_CODE_LENGTH], now=current_time())
    if found is None:
        raise Http404
    voucher, deal = found.voucher, found.voucher.deal
    return render(
        request,
        "accounts/voucher.html",
        {
            "voucher": voucher,
            "status": found.status,
            "deal": deal,
            "shop": deal.shop,
            "city": deal.city,
            "zone": deal.city.zone,
            "weekdays": weekday_names(deal),
            # segno's SVG of our own code: no user input reaches the markup.
            "qr_svg": mark_safe(voucher_qr_svg(voucher.code)),  # noqa: S308  # nosec B308 B703
        },
    )

"""Redeeming a voucher at the counter: type or scan the code, read the verdict, one tap.

Step 1 is a read (`voucher_check`): valid, or why not (already used — when
and where —, expired, not yet, not today, wrong shop, unknown, online only).
Step 2 is one POST that calls `voucher_redeem(via=STORE)`, the same service
as the API: if another till was faster, it says when and where the voucher
was used. Every member of the shop (owner or staff) may redeem.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.accounts.models import User
from comptoir.domain.deals.models import RedeemedVia, Voucher
from comptoir.domain.deals.selectors import CheckStatus, VoucherCheck, voucher_check
from comptoir.domain.deals.services import normalize_voucher_code, voucher_redeem
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.desk import board_views
from comptoir.interfaces.pro.access import shop_view

#: A code is 8 characters; anything much longer is not one (a pasted text, a URL…).
MAX_TYPED = 64


def typed_code(raw: str) -> str:
    """The code as typed or scanned: any case, with or without the dash; a scanned
    link gives its last path segment."""
    text = raw.strip()[:MAX_TYPED]
    if "/" in text:
        text = next((part for part in reversed(text.split("?")[0].split("/")) if part), "")
    return normalize_voucher_code(text)


def _member(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # @shop_view let only the shop's members in
    return user


def _render(request: HttpRequest, **extra: Any) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    context = {
        "shop": shop,
        "membership": request.membership,  # type: ignore[attr-defined]
        "pro_tab": "desk",
        "city": shop.city,
        **extra,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "desk/_voucher_verdict.html", context)
    return render(request, "desk/voucher.html", context)


@never_cache
@require_GET
@shop_view(Permission.HANDLE_ORDERS)
def voucher(request: HttpRequest) -> HttpResponse:
    """The screen; with `?code=` it also shows what the code is worth here now."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    raw = request.GET.get("code", "")
    code = typed_code(raw)
    if not code:
        return _render(request, code=raw.strip()[:MAX_TYPED], check=None)
    check = voucher_check(code, shop, board_views.current_time())
    return _render(request, code=code, check=check)


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def voucher_redeem_view(request: HttpRequest) -> HttpResponse:
    """The one tap: redeem in the shop, or say why not (another till may have been faster)."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    code = typed_code(request.POST.get("code", ""))
    now = board_views.current_time()
    try:
        used = voucher_redeem(
            code=code, shop=shop, now=now, via=RedeemedVia.STORE, actor=_member(request)
        )
    except DomainError as error:
        check = voucher_check(code, shop, now)
        # The refusal as the service said it (e.g. "already used on … at …").
        check = VoucherCheck(check.status, check.voucher, check.deal, error)
        # 200, not 409: htmx swaps only successful answers, and this is a verdict to show.
        return _render(request, code=code, check=check)
    voucher = Voucher.objects.select_related("deal__city", "deal__shop", "deal__free_product").get(
        pk=used.pk
    )
    return _render(
        request,
        code=voucher.code,
        check=VoucherCheck(CheckStatus.USED, voucher, voucher.deal),
        redeemed=voucher,
        done=_("Redeemed. Give the customer what the voucher offers."),
    )

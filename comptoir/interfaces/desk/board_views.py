"""The desk page and its board fragment (re-read by the page on every live nudge)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.domain.orders import desk_selectors
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.desk.board import Board, build_board
from comptoir.interfaces.pro.access import shop_view

#: One tap to refuse, in the staff's words; any other reason can be typed.
REFUSAL_REASONS = (
    _("Out of stock"),
    _("Closing early"),
    _("Too busy right now"),
    _("We cannot deliver there"),
)


def current_time() -> datetime:
    """The desk's clock: one seam so tests can move "now"."""
    return timezone.now()


def shop_board(
    shop: Shop,
    now: datetime,
    *,
    errors: Mapping[int, str] | None = None,
    notices: Mapping[int, str] | None = None,
) -> Board:
    orders = desk_selectors.desk_orders(shop=shop, now=now)
    return build_board(
        live=[*orders.placed, *orders.accepted, *orders.ready, *orders.out_for_delivery],
        done=orders.finished,
        zone=shop.city.zone,
        now=now,
        errors=errors,
        notices=notices,
    )


def board_context(request: HttpRequest, board: Board, **extra: Any) -> dict[str, Any]:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    return {
        "shop": shop,
        "membership": request.membership,  # type: ignore[attr-defined]
        "board": board,
        "zone": shop.city.zone,
        "refusal_reasons": REFUSAL_REASONS,
        "pro_tab": "desk",
        **extra,
    }


def render_board(request: HttpRequest, board: Board, **extra: Any) -> HttpResponse:
    return render(request, "desk/_board.html", board_context(request, board, **extra))


@never_cache
@require_GET
@shop_view(Permission.HANDLE_ORDERS)
def desk(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    board = shop_board(shop, current_time())
    return render(
        request,
        "desk/desk.html",
        board_context(
            request,
            board,
            stream_url=f"/live/shops/{shop.pk}/desk",
            heartbeat_seconds=settings.LIVE_HEARTBEAT_SECONDS,
        ),
    )


@never_cache
@require_GET
@shop_view(Permission.HANDLE_ORDERS)
def board(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    return render_board(request, shop_board(shop, current_time()))

"""The desk's lists: the day's preparation list, search by code or name, a printable ticket."""

from __future__ import annotations

from datetime import date, timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.domain.orders import desk_selectors
from comptoir.domain.orders.errors import OrderNotFound
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.desk import board_views
from comptoir.interfaces.desk.board import make_card
from comptoir.interfaces.desk.board_views import REFUSAL_REASONS
from comptoir.interfaces.pro.access import shop_view


def _day(request: HttpRequest, today: date) -> date:
    """The `?day=YYYY-MM-DD` asked for, or today (a malformed day reads as today)."""
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return today


@never_cache
@require_GET
@shop_view(Permission.HANDLE_ORDERS)
def prep(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    today = board_views.current_time().astimezone(shop.city.zone).date()
    day = _day(request, today)
    return render(
        request,
        "desk/prep.html",
        {
            "shop": shop,
            "membership": request.membership,  # type: ignore[attr-defined]
            "pro_tab": "desk",
            "zone": shop.city.zone,
            "prep": desk_selectors.prep_list(shop=shop, day=day),
            "today": today,
            "previous_day": day - timedelta(days=1),
            "next_day": day + timedelta(days=1),
        },
    )


@never_cache
@require_GET
@shop_view(Permission.HANDLE_ORDERS)
def search(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:100]
    now = board_views.current_time()
    zone = shop.city.zone
    orders = desk_selectors.desk_search(shop=shop, query=query)
    return render(
        request,
        "desk/search.html",
        {
            "shop": shop,
            "membership": request.membership,  # type: ignore[attr-defined]
            "pro_tab": "desk",
            "zone": zone,
            "query": query,
            "cards": [make_card(order, zone=zone, now=now) for order in orders],
            "refusal_reasons": REFUSAL_REASONS,
        },
    )


@never_cache
@require_GET
@shop_view(Permission.HANDLE_ORDERS)
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    try:
        order = desk_selectors.order_for_shop(shop=shop, number=number)
    except OrderNotFound as error:
        raise Http404(number) from error
    return render(
        request,
        "desk/ticket.html",
        {
            "shop": shop,
            "order": order,
            "zone": shop.city.zone,
            "lines": list(order.lines.all()),
            "printed_at": board_views.current_time(),
        },
    )

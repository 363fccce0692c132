"""One tap per step: accept, refuse, ready, hand over, send out, delivered, not collected.

Each view is a POST that calls one desk service. With htmx it answers with the
refreshed board (a refusal by the domain shows on the order's card); without
JavaScript it redirects to the desk with a message. A domain error (another
device was faster, a wrong pickup code…) is a message, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.orders import desk as desk_services
from comptoir.domain.orders import desk_selectors
from comptoir.domain.orders.errors import IllegalTransition, OrderNotFound, ReadyByInvalid
from comptoir.domain.orders.models import OPEN_STATES, Order, OrderState
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.hours import local_datetime
from comptoir.domain.shops.models import Membership, Shop
from comptoir.interfaces.desk import board_views
from comptoir.interfaces.desk.board_views import render_board, shop_board
from comptoir.interfaces.pro.access import shop_view

type Action = Callable[[Order, datetime], Any]


def _order_or_404(request: HttpRequest, number: str) -> Order:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    try:
        return desk_selectors.order_for_shop(shop=shop, number=number)
    except OrderNotFound as error:
        raise Http404(number) from error


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _act(request: HttpRequest, number: str, action: Action, done: str) -> HttpResponse:
    """Run `action(order, now)`; answer with the board (htmx) or a redirect to the desk."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    order = _order_or_404(request, number)
    now = board_views.current_time()
    errors: dict[int, str] = {}
    notices: dict[int, str] = {}
    board_error = ""
    try:
        action(order, now)
    except IllegalTransition as error:
        message = _(
            "Order %(number)s is already %(state)s: someone else was faster. "
            "The board below is up to date."
        ) % {"number": order.number, "state": OrderState(error.state).label.lower()}
        errors[order.pk] = message
        if order.state not in OPEN_STATES:
            board_error = message  # its card is gone from the board: say it above
        if not _is_htmx(request):
            messages.error(request, message)
    except DomainError as error:
        errors[order.pk] = str(error)
        if not _is_htmx(request):
            messages.error(request, str(error))
    else:
        notices[order.pk] = done % {"number": order.number}
        if not _is_htmx(request):
            messages.success(request, notices[order.pk])
    if not _is_htmx(request):
        return redirect("desk:desk", city_slug=shop.city.slug, shop_slug=shop.slug)
    board = shop_board(shop, now, errors=errors, notices=notices)
    return render_board(request, board, board_error=board_error)


def _who(request: HttpRequest) -> dict[str, Any]:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return {"actor": request.user, "membership": membership}


def _ready_by(request: HttpRequest, order: Order) -> datetime:
    """The ready-by time typed on the card ("HH:MM" on the given day, in the city's zone)."""
    shop: Shop = request.shop  # type: ignore[attr-defined]
    zone = shop.city.zone
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
        clock = time.fromisoformat(request.POST.get("ready_at", ""))
    except ValueError:
        ends = order.slot_ends_at.astimezone(zone)
        raise ReadyByInvalid(ends=f"{ends:%H:%M}") from None
    return local_datetime(day, clock.replace(second=0, microsecond=0), zone)


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def accept(request: HttpRequest, number: str) -> HttpResponse:
    def action(order: Order, now: datetime) -> None:
        desk_services.order_accept(
            order=order, ready_by=_ready_by(request, order), now=now, **_who(request)
        )

    return _act(request, number, action, _("Order %(number)s accepted."))


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def refuse(request: HttpRequest, number: str) -> HttpResponse:
    reason = request.POST.get("quick_reason") or request.POST.get("reason", "")

    def action(order: Order, now: datetime) -> None:
        desk_services.order_refuse(order=order, reason=reason, now=now, **_who(request))

    return _act(request, number, action, _("Order %(number)s refused."))


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def ready(request: HttpRequest, number: str) -> HttpResponse:
    def action(order: Order, now: datetime) -> None:
        desk_services.order_mark_ready(order=order, now=now, **_who(request))

    return _act(request, number, action, _("Order %(number)s is ready."))


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def hand_over(request: HttpRequest, number: str) -> HttpResponse:
    code = request.POST.get("pickup_code", "")

    def action(order: Order, now: datetime) -> None:
        desk_services.order_hand_over(order=order, pickup_code=code, now=now, **_who(request))

    return _act(request, number, action, _("Order %(number)s handed over."))


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def send_out(request: HttpRequest, number: str) -> HttpResponse:
    def action(order: Order, now: datetime) -> None:
        desk_services.order_send_out(order=order, now=now, **_who(request))

    return _act(request, number, action, _("Order %(number)s is out for delivery."))


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def delivered(request: HttpRequest, number: str) -> HttpResponse:
    def action(order: Order, now: datetime) -> None:
        desk_services.order_mark_delivered(order=order, now=now, **_who(request))

    return _act(request, number, action, _("Order %(number)s delivered."))


@never_cache
@require_POST
@shop_view(Permission.HANDLE_ORDERS)
def no_show(request: HttpRequest, number: str) -> HttpResponse:
    def action(order: Order, now: datetime) -> None:
        desk_services.order_mark_no_show(order=order, now=now, **_who(request))

    return _act(request, number, action, _("Order %(number)s marked not collected."))

"""My orders: the list, one order's page, cancelling it and ordering it again.

Thin views: read through the orders selectors, write through one service,
turn its domain error into a message. Someone else's order is a 404, as if it
did not exist. Pages are never cached: they show live states and codes.
"""

from __future__ import annotations

from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comptoir.domain.accounts.models import User
from comptoir.domain.orders.errors import IllegalTransition
from comptoir.domain.orders.models import OPEN_STATES, Order, OrderState
from comptoir.domain.orders.selectors import customer_orders, order_for_customer
from comptoir.domain.orders.services import (
    basket_for,
    basket_refill_from_order,
    order_cancel_by_customer,
)
from comptoir.domain.orders.totals import compute_totals
from comptoir.interfaces.accounts.views import current_time

#: Pixels per QR module: a 6-character code makes a 21-module symbol, 25 with
#: its quiet zone, so 200 px — readable by a phone or a desk scanner.
QR_SCALE = 8


def _customer(request: HttpRequest) -> User:
    return cast(User, request.user)


def _order_or_404(request: HttpRequest, number: str) -> Order:
    order = order_for_customer(_customer(request), number)
    if order is None:
        raise Http404
    return order


def pickup_qr_data_uri(code: str) -> str:
    """The pickup code as a QR code PNG in a `data:` URI (the CSP allows `data:` images)."""
    return str(segno.make(code, error="m").png_data_uri(scale=QR_SCALE, border=2))


@never_cache
@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/orders.html",
        {"orders": list(customer_orders(_customer(request))), "open_states": OPEN_STATES},
    )


@never_cache
@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(request, number)
    lines = list(order.lines.all())
    is_open = order.state in OPEN_STATES
    return render(
        request,
        "accounts/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "events": list(order.events.all()),
            "totals": compute_totals(lines, delivery_fee=order.delivery_fee),
            "zone": order.city.zone,
            "is_open": is_open,
            "can_cancel": order.state == OrderState.PLACED,
            "qr_code": pickup_qr_data_uri(order.pickup_code) if is_open else None,
        },
    )


@never_cache
@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(request, number)
    try:
        order_cancel_by_customer(order=order, actor=_customer(request), now=current_time())
    except IllegalTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Order %(number)s is cancelled.") % {"number": order.number})
    return redirect("accounts:order_detail", number=order.number)


@never_cache
@login_required
@require_POST
def order_again(request: HttpRequest, number: str) -> HttpResponse:
    order = _order_or_404(request, number)
    basket = basket_for(city=order.city, user=_customer(request), create=True)
    unavailable = basket_refill_from_order(basket=basket, order=order, now=current_time())
    if unavailable:
        messages.warning(
            request,
            _("No longer available, not added: %(products)s.")
            % {"products": ", ".join(unavailable)},
        )
    else:
        messages.success(request, _("The products of this order are in your basket."))
    return redirect(reverse("storefront:basket", kwargs={"city_slug": order.city.slug}))

"""My orders: the list, one order's page, cancelling it and ordering it again.

Thin views: read through the orders selectors, write through one service,
turn its domain error into a message. Someone else's order is a 404, as if it
did not exist. Pages are never cached: they show live states and codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.qr import qr_png_data_uri
from comptoir.domain.accounts.models import User
from comptoir.domain.orders.errors import IllegalTransition
from comptoir.domain.orders.models import OPEN_STATES, Fulfilment, Order, OrderEvent, OrderState
from comptoir.domain.orders.selectors import customer_orders, order_for_customer, order_totals
from comptoir.domain.orders.services import (
    basket_for,
    basket_refill_from_order,
    order_cancel_by_customer,
)
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
    return qr_png_data_uri(code, scale=QR_SCALE)


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
    events = list(order.events.all())
    is_open = order.state in OPEN_STATES
    return render(
        request,
        "accounts/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "events": events,
            "totals": order_totals(order, lines),
            "zone": order.city.zone,
            "is_open": is_open,
            "can_cancel": order.state == OrderState.PLACED,
            **live_status_context(order, events),
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


# --- The live status (order page and guest confirmation) --------------------------

#: Where the storefront remembers the checkouts this browser placed (guests' proof).
PLACED_SESSION_KEY = "comptoir_checkouts"


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the order's timeline: "done", "current", "todo" or "failed"."""

    key: str
    label: str
    status: str
    at: datetime | None = None
    detail: str = ""


def _order_for_viewer(request: HttpRequest, number: str) -> Order:
    """The order if this browser may follow it (its customer, or the guest who placed it)."""
    order = (
        Order.objects.filter(number=number)
        .select_related("checkout", "city")
        .prefetch_related(Prefetch("events", queryset=OrderEvent.objects.order_by("at", "pk")))
        .first()
    )
    if order is None:
        raise Http404(number)
    user = request.user
    if order.customer_id is not None:
        allowed = user.is_authenticated and user.pk == order.customer_id
    else:
        allowed = order.checkout.token in request.session.get(PLACED_SESSION_KEY, [])
    if not allowed:
        raise Http404(number)
    return order


def order_timeline(order: Order, events: list[OrderEvent]) -> list[Step]:
    """placed → accepted (ready-by) → ready → collected/out for delivery → delivered.

    A refused, cancelled or not-collected order ends its timeline there, with
    the reason the shop gave.
    """
    reached = {event.to_state: event for event in events}
    zone = order.city.zone
    delivery = order.fulfilment == Fulfilment.DELIVERY
    ready_by = ""
    if order.ready_by is not None:
        ready_by = _("Ready by %(time)s") % {"time": f"{order.ready_by.astimezone(zone):%H:%M}"}
    path = [
        (OrderState.PLACED, pgettext("order timeline", "Order placed"), ""),
        (OrderState.ACCEPTED, pgettext("order timeline", "Accepted by the shop"), ready_by),
        (
            OrderState.READY,
            pgettext("order timeline", "Ready")
            if delivery
            else pgettext("order timeline", "Ready to collect"),
            "",
        ),
    ]
    if delivery:
        path += [
            (OrderState.OUT_FOR_DELIVERY, pgettext("order timeline", "On its way"), ""),
            (OrderState.DELIVERED, pgettext("order timeline", "Delivered"), ""),
        ]
    else:
        path.append((OrderState.COLLECTED, pgettext("order timeline", "Collected"), ""))
    endings = {
        OrderState.REFUSED: pgettext("order timeline", "Refused by the shop"),
        OrderState.CANCELLED: pgettext("order timeline", "Cancelled"),
        OrderState.NO_SHOW: pgettext("order timeline", "Not collected"),
    }
    steps: list[Step] = []
    for state, label, detail in path:
        event = reached.get(state)
        if event is not None:
            steps.append(Step(state, label, "done", event.at, detail))
        elif order.state in endings:
            break
        else:
            steps.append(Step(state, label, "todo"))
    if order.state in endings:
        event = reached.get(order.state)
        steps.append(
            Step(
                order.state,
                endings[OrderState(order.state)],
                "failed",
                event.at if event else None,
                event.reason if event else "",
            )
        )
    else:
        done = [i for i, step in enumerate(steps) if step.status == "done"]
        if done and order.state not in (OrderState.COLLECTED, OrderState.DELIVERED):
            last = steps[done[-1]]
            steps[done[-1]] = Step(last.key, last.label, "current", last.at, last.detail)
    return steps


def order_headline(order: Order) -> str:
    """One sentence for the customer: where the order is, what to do next."""
    zone = order.city.zone
    state = order.state
    if state == OrderState.PLACED:
        return _("Waiting for the shop to accept your order.")
    if state == OrderState.ACCEPTED:
        if order.ready_by is not None:
            return _("The shop accepted your order: ready by %(time)s.") % {
                "time": f"{order.ready_by.astimezone(zone):%H:%M}"
            }
        return _("The shop accepted your order.")
    if state == OrderState.READY:
        if order.fulfilment == Fulfilment.DELIVERY:
            return _("Your order is ready and will leave soon.")
        return _("Your order is ready: come with your pickup code.")
    if state == OrderState.OUT_FOR_DELIVERY:
        return _("Your order is on its way.")
    if state == OrderState.COLLECTED:
        return _("Collected. Thank you!")
    if state == OrderState.DELIVERED:
        return _("Delivered. Thank you!")
    if state == OrderState.REFUSED:
        return _("The shop could not take your order. You pay nothing.")
    if state == OrderState.CANCELLED:
        return _("This order is cancelled.")
    return _("This order was not collected.")


def live_status_context(order: Order, events: list[OrderEvent]) -> dict[str, object]:
    return {
        "order": order,
        "timeline": order_timeline(order, events),
        "headline": order_headline(order),
        "zone": order.city.zone,
        "is_final": order.state not in OPEN_STATES,
    }


@never_cache
@require_GET
def order_status(request: HttpRequest, number: str) -> HttpResponse:
    """The live status fragment: badge, headline, timeline (re-read on every live nudge)."""
    order = _order_for_viewer(request, number)
    return render(
        request,
        "accounts/_order_status.html",
        live_status_context(order, list(order.events.all())),
    )

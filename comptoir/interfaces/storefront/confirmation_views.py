"""The confirmation page: each shop's order with its pickup code, QR code, slot and map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from comptoir.core.qr import qr_svg_data_uri
from comptoir.domain.cities.models import City
from comptoir.domain.orders.models import Checkout, Fulfilment, Order, OrderLine
from comptoir.domain.orders.selectors import order_totals
from comptoir.domain.orders.totals import Totals
from comptoir.domain.shops.models import Shop
from comptoir.interfaces.storefront import views
from comptoir.interfaces.storefront.basket_views import basket_item_count
from comptoir.interfaces.storefront.checkout_page import (
    PLACED_SESSION_KEY,
    city_or_404,
    customer_of,
    day_label,
)
from comptoir.interfaces.storefront.page_frame import page_in_frame, rendered_body

#: The page's frame (base.html's blocks), and what the page shows in it.
PAGE_TEMPLATE = "storefront/confirmation.html"
BODY_TEMPLATE = "storefront/_confirmation_page.html"

# --- Confirmation -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    order: Order
    lines: list[OrderLine]
    totals: Totals
    starts_at: datetime
    ends_at: datetime
    day_label: str
    qr: str  # data: URI of the pickup code's QR code (SVG)

    @property
    def shop(self) -> Shop:
        return self.order.shop

    @property
    def is_delivery(self) -> bool:
        return self.order.fulfilment == Fulfilment.DELIVERY

    @property
    def map_url(self) -> str:
        lat, lon = self.shop.latitude, self.shop.longitude
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"


def pickup_qr(code: str) -> str:
    return qr_svg_data_uri(code, scale=6)


def _placed_orders(checkout: Checkout, city: City, now: datetime) -> list[PlacedOrder]:
    today = now.astimezone(city.zone).date()
    placed = []
    for order in checkout.orders.all():
        lines = list(order.lines.all())
        starts_at = order.slot_starts_at.astimezone(city.zone)
        placed.append(
            PlacedOrder(
                order=order,
                lines=lines,
                totals=order_totals(order, lines),
                starts_at=starts_at,
                ends_at=order.slot_ends_at.astimezone(city.zone),
                day_label=day_label(starts_at.date(), today),
                qr=pickup_qr(order.pickup_code),
            )
        )
    return placed


@never_cache
@require_http_methods(["GET"])
def checkout_done(request: HttpRequest, city_slug: str, token: str) -> HttpResponse:
    city = city_or_404(city_slug)
    checkout = (
        Checkout.objects.filter(city=city, token=token)
        .prefetch_related(
            Prefetch(
                "orders",
                queryset=Order.objects.select_related("shop").order_by("shop__name", "pk"),
            ),
            "orders__lines",
        )
        .first()
    )
    if checkout is None:
        raise Http404(token)
    customer = customer_of(request)
    if checkout.customer_id is not None:
        allowed = customer is not None and customer.pk == checkout.customer_id
    else:
        allowed = token in request.session.get(PLACED_SESSION_KEY, [])
    if not allowed:
        raise Http404(token)
    orders = _placed_orders(checkout, city, views.current_time())
    done_url = request.get_full_path()
    signup_url = ""
    if customer is None:
        query = urlencode({"email": checkout.contact_email, "next": done_url})
        signup_url = f"{reverse('accounts:signup')}?{query}"
    body = rendered_body(
        request,
        BODY_TEMPLATE,
        {
            "city": city,
            "checkout": checkout,
            "orders": orders,
            "total": sum((placed.order.total for placed in orders), Decimal("0.00")),
            "signup_url": signup_url,
        },
    )
    # Its frame is a skeleton filled with the body (page_frame.py): not base.html again.
    count = basket_item_count(request, city)
    return HttpResponse(
        page_in_frame(request, PAGE_TEMPLATE, {"body": body}, city=city, count=count)
    )

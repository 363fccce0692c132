"""The shop's own pages: the home (first-run checklist, today's figures) and sales.

Thin views: `@shop_view` resolves the shop and the role; selectors read.
Settings live in `shop_views_settings.py`, the team in `shop_views_staff.py`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from comptoir.core import charts
from comptoir.domain.insights.figures import shop_weekly
from comptoir.domain.onboarding.selectors import shop_go_live_status
from comptoir.domain.orders.sales import (
    CHART_DAYS,
    DayRevenue,
    best_sellers,
    daily_revenue,
    periods,
    sales_overview,
    today_at_a_glance,
)
from comptoir.domain.shops.access import Permission, can
from comptoir.domain.shops.checklist import shop_checklist
from comptoir.domain.shops.models import Membership, Shop
from comptoir.interfaces.pro.access import shop_view


def current_time() -> datetime:
    """The shop pages' clock: one seam so tests can move "now"."""
    return timezone.now()


def shop_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"shop": request.shop, "membership": request.membership, **extra}  # type: ignore[attr-defined]


def shop_url(name: str, shop: Shop, **kwargs: Any) -> str:
    return reverse(
        f"backoffice:{name}", kwargs={"city_slug": shop.city.slug, "shop_slug": shop.slug, **kwargs}
    )


#: Where each checklist item is completed (URL name in the back office, or the desk's).
CHECKLIST_LINKS = {
    "photo": "settings_profile",
    "hours": "settings_hours",
    "products": "products",
    "fulfilment": "settings_collect",
    "staff": "staff",
}


@shop_view(Permission.HANDLE_ORDERS)
def home(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    membership: Membership = request.membership  # type: ignore[attr-defined]
    now = current_time()
    owner = can(membership, Permission.VIEW_SALES)
    context = shop_context(
        request,
        today=today_at_a_glance(shop=shop, now=now),
        is_owner=owner,
        go_live=shop_go_live_status(shop),
    )
    if owner:
        checklist = shop_checklist(shop, now=now)
        context["checklist"] = checklist
        context["checklist_links"] = [
            (item, shop_url(CHECKLIST_LINKS[item.key], shop)) for item in checklist.items
        ]
    return render(request, "backoffice/home.html", context)


# The chart: one bar per day, drawn in a 300 by 120 viewBox; the SVG scales to the screen.
CHART_WIDTH = charts.WIDTH
CHART_HEIGHT = charts.HEIGHT


def chart_bars(days: list[DayRevenue]) -> tuple[list[charts.Bar], Decimal]:
    """Bars of the inline SVG chart (`core.charts`), one per day, scaled to the best day."""
    bars, peak = charts.bar_chart(days, [day.revenue for day in days])
    return bars, Decimal(peak)


@shop_view(Permission.VIEW_SALES)
def sales(request: HttpRequest) -> HttpResponse:
    shop: Shop = request.shop  # type: ignore[attr-defined]
    now = current_time()
    month = periods(shop.city.zone, now)[2]
    days = daily_revenue(shop=shop, now=now, days=CHART_DAYS)
    bars, peak = chart_bars(days)
    return render(
        request,
        "backoffice/sales.html",
        shop_context(
            request,
            pro_tab="sales",
            figures=sales_overview(shop=shop, now=now),
            by_quantity=best_sellers(
                shop=shop, starts_at=month.starts_at, ends_at=month.ends_at, by="quantity"
            ),
            by_revenue=best_sellers(
                shop=shop, starts_at=month.starts_at, ends_at=month.ends_at, by="revenue"
            ),
            days=days,
            bars=bars,
            peak=peak,
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
            month_total=sum((day.revenue for day in days), Decimal("0.00")),
            # The city dashboards' weekly figures, for this shop only.
            weekly=list(reversed(shop_weekly(shop=shop, now=now))),
        ),
    )

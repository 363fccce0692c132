"""The city's deals: the list with its filters, one deal, and claiming it in one tap.

Reads go through the deals selectors, the claim through `voucher_claim` (the
same calls as the JSON API). A refusal becomes a message on the deal's page;
bad filter input is ignored with a message, never a 500.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.errors import DomainError
from comptoir.domain.cities.models import City
from comptoir.domain.deals.errors import DealNotFound
from comptoir.domain.deals.models import EVERY_DAY, Deal
from comptoir.domain.deals.selectors import ListedDeal, deal_for_customer, deals_for_city
from comptoir.domain.deals.services import deal_count_view, voucher_claim
from comptoir.domain.shops.models import Trade
from comptoir.domain.shops.selectors import city_for_storefront
from comptoir.interfaces.storefront import views

#: "Ending soon": within this much time.
ENDING_SOON = timedelta(hours=48)
#: "Near me": deals of shops within this distance, nearest first.
NEAR_RADIUS_KM = 10.0
#: The list shows at most this many deals (a city has a few dozen at a time).
LIST_LIMIT = 100


def city_or_404(city_slug: str) -> City:
    try:
        return city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc


def deals_loaded(listed: list[ListedDeal]) -> list[ListedDeal]:
    """Load what the cards read beyond shop and city: the free item's name (one query, if any)."""
    prefetch_related_objects([item.deal for item in listed], "free_product")
    return listed


def _point(request: HttpRequest) -> tuple[float, float] | str | None:
    """The `lat`/`lng` of "near me": a point, None if not asked, or "bad" if unreadable."""
    raw_lat, raw_lng = request.GET.get("lat", ""), request.GET.get("lng", "")
    if not raw_lat and not raw_lng:
        return None
    try:
        lat, lng = float(raw_lat[:32]), float(raw_lng[:32])
    except ValueError:
        return "bad"
    if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90 or abs(lng) > 180:
        return "bad"
    return lat, lng


@dataclass(frozen=True, slots=True)
class Chip:
    label: str
    href: str
    current: bool
    count: int | None = None


def _href(state: dict[str, str], **changes: str) -> str:
    """This page's link with some filters changed ("" removes one)."""
    params = {key: value for key, value in (state | changes).items() if value}
    return f"?{urlencode(params)}" if params else "?"


@require_GET
def deal_list(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = city_or_404(city_slug)
    now = views.current_time()
    notes: list[str] = []
    trade = request.GET.get("trade") or None
    if trade is not None and trade not in Trade.values:
        notes.append(_("That trade is unknown: showing every trade."))
        trade = None
    ending_soon = request.GET.get("ending") == "1"
    open_now = request.GET.get("open") == "1"
    point = _point(request)
    if point == "bad":
        notes.append(_("We could not read your position: showing every deal."))
    near = (*point, NEAR_RADIUS_KM) if isinstance(point, tuple) else None
    every_trade = deals_for_city(
        city,
        now=now,
        ending_within=ENDING_SOON if ending_soon else None,
        open_now=open_now,
        near=near,
        limit=LIST_LIMIT,
    )
    listed = every_trade
    if trade is not None:
        listed = deals_for_city(
            city,
            now=now,
            trade=trade,
            ending_within=ENDING_SOON if ending_soon else None,
            open_now=open_now,
            near=near,
            limit=LIST_LIMIT,
        )
    state = {
        "trade": trade or "",
        "ending": "1" if ending_soon else "",
        "open": "1" if open_now else "",
        "lat": request.GET.get("lat", "") if near else "",
        "lng": request.GET.get("lng", "") if near else "",
    }
    counts = Counter(item.deal.shop.trade for item in every_trade)
    trades = [value for value in Trade.values if value in counts or value == trade]
    chips = [Chip(_("All"), _href(state, trade=""), trade is None, len(every_trade))] + [
        Chip(str(Trade(value).label), _href(state, trade=value), value == trade, counts[value])
        for value in trades
    ]
    toggles = [
        Chip(_("Ending soon"), _href(state, ending="" if ending_soon else "1"), ending_soon),
        Chip(_("Open now"), _href(state, open="" if open_now else "1"), open_now),
    ]
    return render(
        request,
        "storefront/deals.html",
        {
            "city": city,
            "listed": deals_loaded(listed),
            "now": now,
            "chips": chips,
            "toggles": toggles,
            "near": near is not None,
            "near_off": _href(state, lat="", lng=""),
            "state": {key: value for key, value in state.items() if value},
            "filtered": any(state.values()),
            "notes": notes,
            "radius_km": NEAR_RADIUS_KM,
        },
    )


def _shown_deal_or_404(city: City, deal_id: int) -> Deal:
    deal = deal_for_customer(city, deal_id, now=views.current_time())
    if deal is None:
        raise Http404(deal_id)
    return deal


def weekday_names(deal: Deal) -> list[str]:
    """The days the deal applies, in the active language; empty when it is every day."""
    if deal.weekdays == EVERY_DAY:
        return []
    return [str(WEEKDAYS[day]) for day in range(7) if deal.weekdays & (1 << day)]


@require_GET
def deal_detail(request: HttpRequest, city_slug: str, deal_id: int) -> HttpResponse:
    city = city_or_404(city_slug)
    deal = _shown_deal_or_404(city, deal_id)
    prefetch_related_objects([deal], "free_product")
    deal_count_view(deal=deal)
    left = None if deal.total_cap is None else max(deal.total_cap - deal.claimed_count, 0)
    return render(
        request,
        "storefront/deal_detail.html",
        {
            "city": city,
            "deal": deal,
            "shop": deal.shop,
            "zone": city.zone,
            "weekdays": weekday_names(deal),
            "left": left,
            "products": [] if deal.whole_shop else list(deal.products.all()),
        },
    )


@require_POST
def deal_claim(request: HttpRequest, city_slug: str, deal_id: int) -> HttpResponse:
    """One tap: a voucher, then its page. Anonymous: log in first, then back to the deal."""
    city = city_or_404(city_slug)
    deal_url = reverse(
        "storefront:deal_detail", kwargs={"city_slug": city.slug, "deal_id": deal_id}
    )
    if not request.user.is_authenticated:
        return redirect_to_login(deal_url)
    deal = deal_for_customer(city, deal_id, now=views.current_time())
    if deal is None:
        messages.error(request, str(DealNotFound()))
        return redirect("storefront:deals", city_slug=city.slug)
    try:
        voucher = voucher_claim(
            deal=deal,
            customer=request.user,
            now=views.current_time(),
            link_url=request.build_absolute_uri,
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(deal_url)
    messages.success(
        request, _("Your voucher is ready: show this code at %(shop)s.") % {"shop": deal.shop.name}
    )
    return redirect("accounts:voucher", code=voucher.code)

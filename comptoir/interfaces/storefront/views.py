"""Customer pages: city chooser, city home, shop page. Reads go through selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

from comptoir.domain.catalogue.selectors import products_for_shop_page
from comptoir.domain.cities.models import City
from comptoir.domain.deals.selectors import deals_for_city, deals_of_shop_for_customers
from comptoir.domain.fulfilment.selectors import (
    delivery_postcodes_of,
    earliest_delivery_slot,
    earliest_pickup_slot,
    load_delivery,
)
from comptoir.domain.fulfilment.slots import Slot
from comptoir.domain.shops.hours import OpeningStatus, opening_status, week_table
from comptoir.domain.shops.models import Shop, Trade
from comptoir.domain.shops.selectors import (
    city_for_storefront,
    live_cities,
    load_schedule,
    shop_counts_by_trade,
    shops_for_city_home,
    upcoming_closures,
)
from comptoir.interfaces.storefront.listing_cache import cached_listing, listing_key
from comptoir.interfaces.storefront.page_frame import body_key, framed_response
from comptoir.interfaces.storefront.shop_page import shop_page, shop_page_response

SEARCH_MAX_LENGTH = 100
# The city home shows a screenful per trade; "see all" opens the trade's list.
HOME_SHOPS_PER_TRADE = 6
TRADE_PAGE_SIZE = 24
# The city home's deals strip: a few deals ending soonest, then "All deals".
HOME_DEALS = 8
#: The visitor's chosen city (a slug), set by the city home, read by the index.
CITY_COOKIE = "comptoir_city"
CITY_COOKIE_AGE = 365 * 24 * 60 * 60


def current_time() -> datetime:
    """The storefront's clock: one seam so tests can freeze "now"."""
    return timezone.now()


@dataclass(frozen=True, slots=True)
class ShopCard:
    shop: Shop
    status: OpeningStatus


@dataclass(frozen=True, slots=True)
class TradeSection:
    trade: str
    cards: list[ShopCard]
    total: int

    @property
    def label(self) -> Promise:
        return Trade(self.trade).label

    @property
    def has_more(self) -> bool:
        return self.total > len(self.cards)


def trade_sections(shops: list[Shop], now: datetime, totals: dict[str, int]) -> list[TradeSection]:
    """Shops (already ordered by trade) as one section per trade."""
    return [
        TradeSection(
            trade=trade,
            cards=[ShopCard(s, opening_status(s, now)) for s in group],
            total=totals.get(trade, 0),
        )
        for trade, group in groupby(shops, key=lambda s: s.trade)
    ]


@dataclass(frozen=True, slots=True)
class NextSlot:
    """When a slot starts, in the city's wall-clock time, and whether that is today or tomorrow."""

    starts_at: datetime  # local
    day: date
    when: str  # "today", "tomorrow" or "later"


def next_slot(slot: Slot | None, city: City, now: datetime) -> NextSlot | None:
    if slot is None:
        return None
    starts_at = slot.starts_at.astimezone(city.zone)
    today = now.astimezone(city.zone).date()
    when = {today: "today", today + timedelta(days=1): "tomorrow"}.get(starts_at.date(), "later")
    return NextSlot(starts_at=starts_at, day=starts_at.date(), when=when)


def index(request: HttpRequest) -> HttpResponse:
    """The city chooser; straight to the remembered city (or the only one) unless ?choose=1."""
    cities = list(live_cities())
    if request.GET.get("choose") != "1":
        remembered = request.COOKIES.get(CITY_COOKIE)
        chosen = next((c for c in cities if c.slug == remembered), None)
        if chosen is None and len(cities) == 1:
            chosen = cities[0]
        if chosen is not None:
            back = redirect("storefront:city_home", city_slug=chosen.slug)
            patch_vary_headers(back, ["Cookie"])
            return back
    response = render(request, "storefront/index.html", {"cities": cities})
    patch_vary_headers(response, ["Cookie"])
    return response


def remember_city(request: HttpRequest, response: HttpResponse, city: City) -> None:
    """Remember the visitor's city for a year (the index brings them back to it)."""
    if request.COOKIES.get(CITY_COOKIE) != city.slug:
        response.set_cookie(
            CITY_COOKIE,
            city.slug,
            max_age=CITY_COOKIE_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def city_home(request: HttpRequest, city_slug: str) -> HttpResponse:
    try:
        city = city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    trade = request.GET.get("trade") or None
    if trade is not None and trade not in Trade.values:
        raise Http404(trade)
    now = current_time()
    page_number = request.GET.get("page", "")[:8]
    # The lists are the same for every visitor: shared for a few seconds.
    key = listing_key("city_home", city=city, q=query, trade=trade, page=page_number)
    body = cached_listing(
        key,
        lambda: render_to_string(
            "storefront/_city_home_body.html",
            _city_home_context(city, query=query, trade=trade, page_number=page_number, now=now),
            request,
        ),
    )
    response = framed_response(
        request,
        "storefront/city_home.html",
        lambda: {"city": city, "body": mark_safe(body)},  # noqa: S308 # nosec B308 B703 - our template's output
        city=city,
        key=body_key("city-home", body, city),
        timeout=settings.LISTING_CACHE_SECONDS,
    )
    remember_city(request, response, city)
    return response


def _city_home_context(
    city: City, *, query: str, trade: str | None, page_number: str, now: datetime
) -> dict[str, object]:
    """What the city home's lists show: shops by trade (or one trade's page), deals."""
    counts = shop_counts_by_trade(city, query=query)
    page = None
    if trade is None:
        shops = list(
            shops_for_city_home(city, now=now, query=query, per_trade=HOME_SHOPS_PER_TRADE)
        )
    else:
        page = Paginator(
            shops_for_city_home(city, now=now, query=query, trade=trade), TRADE_PAGE_SIZE
        ).get_page(page_number or None)
        shops = list(page.object_list)
    # The deals strip: on the plain home only (not a search or a trade's list).
    home_deals = [] if query or trade else deals_for_city(city, now=now, limit=HOME_DEALS)
    prefetch_related_objects([item.deal for item in home_deals], "free_product")
    return {
        "home_deals": home_deals,
        "now": now,
        "city": city,
        "query": query,
        "trade": trade,
        "trade_label": Trade(trade).label if trade else "",
        "trade_counts": [(Trade(t), n) for t, n in counts.items()],
        "sections": trade_sections(shops, now, counts),
        "shop_count": sum(counts.values()),
        "page": page,
    }


def shop_detail(request: HttpRequest, city_slug: str, shop_slug: str) -> HttpResponse:
    """The shop page, from the cache while nothing it shows has changed (shop_page.py).

    From the cache, one query; otherwise those of `_shop_body_context` too.
    """
    now = current_time()
    page = shop_page(city_slug, shop_slug, now=now, context=_shop_body_context)
    if page is None:
        raise Http404(shop_slug)
    return shop_page_response(request, page, now=now)


def _shop_body_context(shop: Shop, now: datetime, with_products: bool) -> dict[str, object]:
    load_schedule(shop, now=now)
    # The shop's own preparation time, whatever is ordered (products=[]). Hours
    # and closures are loaded (load_schedule), and a delivering shop's settings
    # and postcodes (load_delivery): each kind of slot the shop offers costs one
    # statement (its bookings); a kind it does not offer, none.
    next_pickup = next_delivery = None
    # A shop listing postcodes delivers there, whatever its radius says.
    delivery_postcodes: list[str] = []
    if shop.delivery_enabled:
        load_delivery([shop])
        delivery_postcodes = sorted(delivery_postcodes_of(shop))
    if not shop.orders_paused and shop.collect_enabled:
        pickup = earliest_pickup_slot(shop=shop, products=[], now=now)
        next_pickup = next_slot(pickup, shop.city, now)
    if not shop.orders_paused and shop.delivery_enabled:
        delivery = earliest_delivery_slot(shop=shop, products=[], now=now)
        next_delivery = next_slot(delivery, shop.city, now)
    deals = deals_of_shop_for_customers(shop, now=now)
    prefetch_related_objects(deals, "free_product")
    return {
        "city": shop.city,
        "shop": shop,
        "status": opening_status(shop, now),
        "week": week_table(shop, now),
        "closures": upcoming_closures(shop),
        "groups": products_for_shop_page(shop) if with_products else [],
        "next_pickup": next_pickup,
        "next_delivery": next_delivery,
        "delivery_postcodes": delivery_postcodes,
        "deals": deals,
        "now": now,
    }

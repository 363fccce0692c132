"""Customer pages: city chooser, city home, shop page. Reads go through selectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise

from comptoir.domain.catalogue.selectors import products_for_shop_page
from comptoir.domain.cities.models import City
from comptoir.domain.shops.hours import OpeningStatus, opening_status, week_table
from comptoir.domain.shops.models import Shop, Trade
from comptoir.domain.shops.selectors import (
    city_for_storefront,
    live_cities,
    shop_for_storefront,
    shops_for_city_home,
)

SEARCH_MAX_LENGTH = 100


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

    @property
    def label(self) -> Promise:
        return Trade(self.trade).label


def trade_sections(shops: list[Shop], now: datetime) -> list[TradeSection]:
    """Shops (already ordered by trade) as one section per trade."""
    return [
        TradeSection(trade=trade, cards=[ShopCard(s, opening_status(s, now)) for s in group])
        for trade, group in groupby(shops, key=lambda s: s.trade)
    ]


def index(request: HttpRequest) -> HttpResponse:
    cities = list(live_cities())
    if len(cities) == 1:
        return redirect("storefront:city_home", city_slug=cities[0].slug)
    return render(request, "storefront/index.html", {"cities": cities})


def city_home(request: HttpRequest, city_slug: str) -> HttpResponse:
    try:
        city = city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    now = current_time()
    shops = list(shops_for_city_home(city, now=now, query=query))
    return render(
        request,
        "storefront/city_home.html",
        {
            "city": city,
            "query": query,
            "sections": trade_sections(shops, now),
            "shop_count": len(shops),
        },
    )


def shop_detail(request: HttpRequest, city_slug: str, shop_slug: str) -> HttpResponse:
    now = current_time()
    try:
        shop = shop_for_storefront(city_slug, shop_slug, now=now)
    except Shop.DoesNotExist as exc:
        raise Http404(shop_slug) from exc
    return render(
        request,
        "storefront/shop_detail.html",
        {
            "city": shop.city,
            "shop": shop,
            "status": opening_status(shop, now),
            "week": week_table(shop, now),
            "closures": shop.closures.all(),
            "groups": products_for_shop_page(shop),
        },
    )

"""Browsing without an account: cities, shops (trade, open now, near), products, search."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router
from pydantic import Field

from comptoir.domain.catalogue.selectors import products_for_shop_page
from comptoir.domain.cities.models import City
from comptoir.domain.fulfilment.selectors import delivery_slots, pickup_slots
from comptoir.domain.search.selectors import search_city, shops_open_at
from comptoir.domain.shops.models import Shop, Trade
from comptoir.domain.shops.selectors import (
    city_for_storefront,
    live_cities,
    shop_for_storefront,
    shops_for_city_home,
    shops_near,
)
from comptoir.interfaces.api import schemas as s
from comptoir.interfaces.api.pagination import page_of
from comptoir.interfaces.api.present import (
    city_out,
    clock,
    local,
    product_out,
    shop_detail,
    shop_summary,
)

router = Router(tags=["storefront"])

SEARCH_MAX_LENGTH = 100


def city_or_404(city_slug: str) -> City:
    try:
        return city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc


def shop_or_404(city_slug: str, shop_slug: str, now: datetime) -> Shop:
    try:
        return shop_for_storefront(city_slug, shop_slug, now=now)
    except Shop.DoesNotExist as exc:
        raise Http404(shop_slug) from exc


@router.get("/cities", response=list[s.CityOut], auth=None, summary="Cities")
def city_list(request: HttpRequest) -> list[s.CityOut]:
    """The cities where Comptoir is live."""
    return [city_out(city) for city in live_cities()]


class ShopFilters(s.Schema):
    trade: Trade | None = Field(default=None, description="Only shops of this trade.")
    open_now: bool = Field(default=False, description="Only shops open right now (city time).")
    lat: float | None = Field(default=None, ge=-90, le=90, description="Near this point…")
    lng: float | None = Field(default=None, ge=-180, le=180, description="…(both needed).")
    radius_km: float = Field(default=5, gt=0, le=50)
    cursor: str | None = Field(default=None, max_length=200)
    page_size: int | None = Field(default=None, ge=1, le=100)


@router.get("/cities/{slug:city}/shops", response=s.Page[s.ShopSummary], auth=None, summary="Shops")
def shop_list(
    request: HttpRequest, city: str, filters: Query[ShopFilters]
) -> s.Page[s.ShopSummary]:
    """The city's shops by trade then name, or nearest first with `lat` and `lng`."""
    the_city, now = city_or_404(city), clock()
    shops = shops_for_city_home(the_city, now=now, trade=filters.trade)
    if filters.open_now:
        shops = shops_open_at(shops, city=the_city, moment=now)
    if filters.lat is not None and filters.lng is not None:
        near = shops_near(
            shops, latitude=filters.lat, longitude=filters.lng, radius_km=filters.radius_km
        )
        page, cursor = page_of(near, cursor=filters.cursor, page_size=filters.page_size)
        return s.Page(
            results=[shop_summary(shop, now, distance) for shop, distance in page], next=cursor
        )
    shop_page, cursor = page_of(shops, cursor=filters.cursor, page_size=filters.page_size)
    return s.Page(results=[shop_summary(shop, now) for shop in shop_page], next=cursor)


@router.get(
    "/cities/{slug:city}/shops/{slug:shop}", response=s.ShopDetail, auth=None, summary="A shop"
)
def shop_get(request: HttpRequest, city: str, shop: str) -> s.ShopDetail:
    """A shop with its week's hours and what it offers (click & collect, delivery)."""
    now = clock()
    return shop_detail(shop_or_404(city, shop, now), now)


@router.get(
    "/cities/{slug:city}/shops/{slug:shop}/products",
    response=list[s.ProductOut],
    auth=None,
    summary="A shop's products",
)
def shop_products(request: HttpRequest, city: str, shop: str) -> list[s.ProductOut]:
    """Products on sale, in the shop's shelf order."""
    now = clock()
    the_shop = shop_or_404(city, shop, now)
    products = []
    for group in products_for_shop_page(the_shop):
        for product in group.products:
            product.shop = the_shop  # loaded once, with its city
            products.append(product_out(product, now, the_shop.city.currency))
    return products


@router.get(
    "/cities/{slug:city}/shops/{slug:shop}/slots",
    response=list[s.SlotOut],
    auth=None,
    summary="Pickup or delivery slots",
)
def shop_slots(
    request: HttpRequest,
    city: str,
    shop: str,
    kind: Literal["collect", "delivery"] = "collect",
    days: int = Query(7, ge=1, le=14),
) -> list[s.SlotOut]:
    """Slots with room left, earliest first, for the shop's products (lead times included)."""
    now = clock()
    the_shop = shop_or_404(city, shop, now)
    finder = pickup_slots if kind == "collect" else delivery_slots
    slots = finder(shop=the_shop, products=[], now=now, days=days)
    return [
        s.SlotOut(
            kind=slot.kind,  # type: ignore[arg-type]
            starts_at=local(slot.starts_at, the_shop.city),  # type: ignore[arg-type]
            ends_at=local(slot.ends_at, the_shop.city),  # type: ignore[arg-type]
            remaining=slot.remaining,
        )
        for slot in slots
    ]


class SearchFilters(s.Schema):
    q: str = Field(max_length=SEARCH_MAX_LENGTH, description="What to look for.")
    trade: Trade | None = None
    open_now: bool = False
    limit: int = Field(default=20, ge=1, le=100)


@router.get("/cities/{slug:city}/search", response=s.SearchOut, auth=None, summary="Search")
def search(request: HttpRequest, city: str, filters: Query[SearchFilters]) -> s.SearchOut:
    """Products and shops matching `q`, best first: the site's own search engine
    (accents, case and plurals ignored, every word a prefix, typos forgiven)."""
    the_city, now = city_or_404(city), clock()
    results = search_city(
        city=the_city,
        query=filters.q,
        trade=filters.trade,
        open_now=filters.open_now,
        now=now,
        limit=filters.limit,
    )
    return s.SearchOut(
        query=filters.q,
        approximate=results.approximate,
        products=[product_out(p, now, the_city.currency) for p in results.products],
        shops=[shop_summary(shop, now) for shop in results.shops],
    )

"""The city search page: as you type with htmx, a plain GET form without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe

from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.search.normalise import MAX_QUERY_LENGTH
from comptoir.domain.search.selectors import SearchResults, search_city
from comptoir.domain.shops.hours import OpeningStatus, opening_status
from comptoir.domain.shops.models import Shop, Trade
from comptoir.domain.shops.selectors import city_for_storefront
from comptoir.interfaces.storefront import views
from comptoir.interfaces.storefront.listing_cache import cached_listing, listing_key
from comptoir.interfaces.storefront.page_frame import body_key, framed_response


@dataclass(frozen=True, slots=True)
class ProductHit:
    product: Product
    status: OpeningStatus


@dataclass(frozen=True, slots=True)
class ShopHit:
    shop: Shop
    status: OpeningStatus


def _statuses(results: SearchResults, now: datetime) -> dict[int, OpeningStatus]:
    shops = [*results.shops, *(p.shop for p in results.products)]
    return {shop.pk: opening_status(shop, now) for shop in {s.pk: s for s in shops}.values()}


def search(request: HttpRequest, city_slug: str) -> HttpResponse:
    try:
        city = city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    trade = request.GET.get("trade") or None
    if trade not in Trade.values:
        trade = None  # a stale or hand-made link: search every trade
    open_now = request.GET.get("open") == "1"
    now = views.current_time()  # through the module: tests freeze this seam

    def context() -> dict[str, object]:
        results = (
            search_city(city=city, query=query, trade=trade, open_now=open_now, now=now)
            if query
            else SearchResults()
        )
        statuses = _statuses(results, now)
        return {
            "city": city,
            "query": query,
            "trade": trade,
            "trades": Trade.choices,
            "open_now": open_now,
            "results": results,
            "products": [ProductHit(p, statuses[p.shop_id]) for p in results.products],
            "shops": [ShopHit(s, statuses[s.pk]) for s in results.shops],
        }

    # htmx asks for the results only, except when it restores a page from history.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    # Nothing personal in the results: shared by every visitor for a few seconds,
    # as typed (htmx) and as a whole page (a link shared, a form sent without htmx).
    filters = {"q": query, "trade": trade, "open": open_now}
    if partial:
        key = listing_key("search", city=city, **filters)
        response = HttpResponse(
            cached_listing(
                key,
                lambda: render_to_string("storefront/search_results.html", context(), request),
            )
        )
    else:
        key = listing_key("search-page", city=city, **filters)
        lists = cached_listing(
            key, lambda: render_to_string("storefront/_search_lists.html", context(), request)
        )
        response = framed_response(
            request,
            "storefront/search.html",
            lambda: {
                "city": city,
                "query": query,
                "trade": trade,
                "trades": Trade.choices,
                "open_now": open_now,
                "lists": mark_safe(lists),  # noqa: S308 # nosec B308 B703 - our template's output
            },
            city=city,
            key=body_key("search-page", lists, city, query, trade, open_now),
            timeout=settings.LISTING_CACHE_SECONDS,
        )
    patch_vary_headers(response, ["HX-Request"])
    return response

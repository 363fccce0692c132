"""Legal pages: the platform's, each city's (its own or the platform default), each shop's terms."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.domain.cities.models import City
from comptoir.domain.legal.models import LegalKind
from comptoir.domain.legal.selectors import legal_page_for, shop_terms_of
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.selectors import city_for_storefront, shop_for_storefront


def _kind(kind: str) -> LegalKind:
    if kind not in LegalKind.values:
        raise Http404(kind)
    return LegalKind(kind)


def _render_page(request: HttpRequest, city: City | None, kind: str) -> HttpResponse:
    page = legal_page_for(city=city, kind=_kind(kind))
    if page is None:
        raise Http404(kind)
    return render(
        request,
        "storefront/legal_page.html",
        {"city": city, "page": page, "kinds": LegalKind.choices, "current_kind": page.kind},
    )


def platform_legal_page(request: HttpRequest, kind: str) -> HttpResponse:
    """/legal/<kind>/: the platform's default, for pages outside any city."""
    return _render_page(request, None, kind)


def city_legal_page(request: HttpRequest, city_slug: str, kind: str) -> HttpResponse:
    """/<city>/legal/<kind>/: the city's own page of that kind, else the platform's."""
    try:
        city = city_for_storefront(city_slug)
    except City.DoesNotExist as exc:
        raise Http404(city_slug) from exc
    return _render_page(request, city, kind)


def shop_terms(request: HttpRequest, city_slug: str, shop_slug: str) -> HttpResponse:
    """/<city>/<shop>/terms/: the shop's terms of sale (or who sells, when it wrote none)."""
    try:
        shop = shop_for_storefront(city_slug, shop_slug)
    except Shop.DoesNotExist as exc:
        raise Http404(shop_slug) from exc
    return render(
        request,
        "storefront/legal_shop_terms.html",
        {"city": shop.city, "shop": shop, "terms": shop_terms_of(shop)},
    )

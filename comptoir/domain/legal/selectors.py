"""Reads for the legal pages: a city's own page of a kind, else the platform's default."""

from __future__ import annotations

from django.db.models import F

from comptoir.domain.cities.models import City
from comptoir.domain.legal.models import LegalKind, LegalPage, ShopTerms
from comptoir.domain.shops.models import Shop


def legal_page_for(*, city: City | None, kind: LegalKind | str) -> LegalPage | None:
    """The page of `kind` shown in `city`: its own if it has one, else the platform's.

    `city=None` asks for the platform's default. One query; None when neither
    exists (the operator deleted the default).
    """
    pages = LegalPage.objects.filter(kind=kind, city__isnull=True)
    if city is not None:
        pages = LegalPage.objects.filter(kind=kind, city=city) | pages
    return pages.order_by(F("city_id").asc(nulls_last=True)).first()


def shop_terms_of(shop: Shop) -> ShopTerms | None:
    """The shop's own terms of sale, or None when it has not written any."""
    return ShopTerms.objects.filter(shop=shop).first()


def shop_terms_by_shop(shops: list[Shop]) -> dict[int, ShopTerms]:
    """The terms of sale of each of `shops` that has some, by shop id (one query)."""
    return {t.shop_id: t for t in ShopTerms.objects.filter(shop__in=shops)}

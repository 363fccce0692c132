"""Reads for deals: the city's deals page and strip, a customer's vouchers, a deal's figures.

Customers only ever see deals that are live, not hidden by the operator,
already started and not yet ended, of a published shop of a live city;
deals whose every voucher is claimed are left out of lists (nothing to take).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from comptoir.domain.accounts.models import User
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal, DealState, RedeemedVia, Voucher
from comptoir.domain.search.selectors import shops_open_at
from comptoir.domain.shops.models import Shop
from comptoir.domain.shops.selectors import shops_near

ZERO = Decimal("0.00")


def _shown(city: City, now: datetime) -> QuerySet[Deal]:
    return Deal.objects.filter(
        city=city,
        city__is_live=True,
        shop__is_active=True,
        state=DealState.LIVE,
        hidden_at__isnull=True,
        starts_at__lte=now,
        ends_at__gt=now,
    )


@dataclass(frozen=True, slots=True)
class ListedDeal:
    deal: Deal
    #: From the `near` point, when one was given.
    distance_km: float | None = None


def deals_for_city(
    city: City,
    *,
    now: datetime,
    trade: str | None = None,
    ending_within: timedelta | None = None,
    open_now: bool = False,
    near: tuple[float, float, float] | None = None,
    limit: int | None = None,
) -> list[ListedDeal]:
    """The deals a customer can claim in `city` now, with their shop loaded.

    Narrowed to one `trade`, to those ending within `ending_within`, to shops
    open now, and to shops within `near` = (latitude, longitude, radius km)
    — then nearest first. Otherwise those ending soonest come first.
    """
    deals = _shown(city, now).filter(
        Q(total_cap__isnull=True) | Q(claimed_count__lt=F("total_cap"))
    )
    if trade is not None:
        deals = deals.filter(shop__trade=trade)
    if ending_within is not None:
        deals = deals.filter(ends_at__lte=now + ending_within)
    shops = Shop.objects.filter(city=city, is_active=True)
    if open_now:
        shops = shops_open_at(shops, city=city, moment=now)
        deals = deals.filter(shop__in=shops.values("pk"))
    deals = deals.select_related("shop", "city").order_by("ends_at", "pk")
    if near is None:
        return [ListedDeal(deal) for deal in (deals[:limit] if limit else deals)]
    latitude, longitude, radius = near
    distance = {
        shop.pk: km
        for shop, km in shops_near(
            shops.filter(pk__in=deals.values("shop_id")),
            latitude=latitude,
            longitude=longitude,
            radius_km=radius,
        )
    }
    found = sorted(
        (ListedDeal(deal, distance[deal.shop_id]) for deal in deals if deal.shop_id in distance),
        key=lambda listed: (listed.distance_km, listed.deal.ends_at, listed.deal.pk),
    )
    return found[:limit] if limit else found


def deals_of_shop_for_customers(shop: Shop, *, now: datetime) -> list[Deal]:
    """The shop's deals a customer can see now (its shop page), ending soonest first."""
    return list(
        _shown(shop.city, now)
        .filter(shop=shop)
        .select_related("shop", "city")
        .order_by("ends_at", "pk")
    )


def deal_for_customer(city: City, deal_id: int, *, now: datetime) -> Deal | None:
    """One deal as a customer may see it (None if hidden, over, or not in `city`)."""
    return _shown(city, now).filter(pk=deal_id).select_related("shop", "city").first()


def deals_of_shop(shop: Shop) -> list[Deal]:
    """Every deal of the shop (the back office): live first, then paused, then ended."""
    order: dict[str, int] = {DealState.LIVE: 0, DealState.PAUSED: 1, DealState.ENDED: 2}
    return sorted(
        Deal.objects.filter(shop=shop).select_related("city"),
        key=lambda deal: (order.get(deal.state, 3), -deal.starts_at.timestamp(), -deal.pk),
    )


class VoucherStatus(enum.StrEnum):
    VALID = "valid"
    USED = "used"
    #: The deal ended, was ended early, or is hidden: the voucher cannot be used any more.
    OVER = "over"
    #: Paused by the shop, or not started yet: it may work later.
    NOT_NOW = "not_now"


@dataclass(frozen=True, slots=True)
class CustomerVoucher:
    voucher: Voucher
    status: VoucherStatus


def voucher_status(voucher: Voucher, now: datetime) -> VoucherStatus:
    deal = voucher.deal
    if voucher.redeemed_at is not None:
        return VoucherStatus.USED
    if deal.state == DealState.ENDED or deal.hidden_at is not None or now >= deal.ends_at:
        return VoucherStatus.OVER
    if deal.state == DealState.PAUSED or now < deal.starts_at:
        return VoucherStatus.NOT_NOW
    return VoucherStatus.VALID


def vouchers_of(customer: User, *, now: datetime) -> list[CustomerVoucher]:
    """The customer's vouchers: usable ones first (ending soonest), then the rest, newest first."""
    vouchers = Voucher.objects.filter(customer=customer).select_related(
        "deal__shop", "deal__city", "order"
    )
    listed = [CustomerVoucher(v, voucher_status(v, now)) for v in vouchers]
    valid = sorted(
        (cv for cv in listed if cv.status == VoucherStatus.VALID),
        key=lambda cv: (cv.voucher.deal.ends_at, cv.voucher.pk),
    )
    others = sorted(
        (cv for cv in listed if cv.status != VoucherStatus.VALID),
        key=lambda cv: (cv.voucher.claimed_at, cv.voucher.pk),
        reverse=True,
    )
    return valid + others


@dataclass(frozen=True, slots=True)
class DealDay:
    day: date
    claims: int
    redemptions: int


@dataclass(frozen=True, slots=True)
class DealFigures:
    """What the shop sees about one deal."""

    views: int
    claims: int
    redemptions: int
    in_store: int
    online_orders: int
    #: The totals of the online orders that used the deal (what it brought in).
    revenue: Decimal
    #: One row per local day from the deal's start to today or its end, for a chart.
    days: list[DealDay]


def deal_figures(deal: Deal, *, now: datetime) -> DealFigures:
    """Views, claims, redemptions (in the shop and online), revenue attributed, per day."""
    zone = deal.city.zone
    vouchers = list(
        Voucher.objects.filter(deal=deal).values_list("claimed_at", "redeemed_at", "redeemed_via")
    )
    claims = Counter(claimed.astimezone(zone).date() for claimed, _, _ in vouchers)
    redemptions = Counter(
        redeemed.astimezone(zone).date() for _, redeemed, _ in vouchers if redeemed is not None
    )
    revenue = Voucher.objects.filter(deal=deal, redeemed_via=RedeemedVia.ONLINE).aggregate(
        total=Sum("order__total")
    )["total"]
    first = deal.starts_at.astimezone(zone).date()
    last = min(now, deal.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    days = []
    day = first
    while day <= last:
        days.append(DealDay(day, claims.get(day, 0), redemptions.get(day, 0)))
        day += timedelta(days=1)
    return DealFigures(
        views=deal.view_count,
        claims=len(vouchers),
        redemptions=sum(redemptions.values()),
        in_store=sum(1 for _, r, via in vouchers if r is not None and via == RedeemedVia.STORE),
        online_orders=sum(
            1 for _, r, via in vouchers if r is not None and via == RedeemedVia.ONLINE
        ),
        revenue=revenue or ZERO,
        days=days,
    )

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
from functools import cache

from django.db import connections, router
from django.db.models import F, Q, QuerySet, Sum

from comptoir.core.lean_reads import Names, build, select_list
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
    """The shop's deals a customer can see now (its shop page), ending soonest first.

    `shop` comes with its city loaded (the shop page has both): they are
    checked here and set on each deal, not joined and selected again (~75
    columns for none or a few deals, on every cold shop page). One statement,
    written once per process (core/lean_reads.py): the ORM compiled its six
    conditions on every cold shop page (~0.4 ms), most of which have no deal.
    """
    if not (shop.is_active and shop.city.is_live):
        return []
    connection = connections[router.db_for_read(Deal)]
    alias = connection.alias
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_shop_deals_sql(alias), [shop.city_id, shop.pk, DealState.LIVE, at, at])
        rows = cursor.fetchall()
    # Sorted here, not by the database: most shops have none or a few.
    found = sorted(
        (build(Deal, alias, row) for row in rows), key=lambda deal: (deal.ends_at, deal.pk)
    )
    for deal in found:
        deal.shop, deal.city = shop, shop.city
    return found


@cache
def _shop_deals_sql(alias: str) -> str:
    names = Names(alias)
    column = names.column
    # The model's table and column names; values are parameters.
    return (
        f"SELECT {select_list(Deal, alias, 'd')} FROM {names.table(Deal)} d "  # noqa: S608
        f"WHERE d.{column(Deal, 'city')} = %s AND d.{column(Deal, 'shop')} = %s "
        f"AND d.{column(Deal, 'state')} = %s AND d.{column(Deal, 'hidden_at')} IS NULL "
        f"AND d.{column(Deal, 'starts_at')} <= %s AND d.{column(Deal, 'ends_at')} > %s"
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


# --- The counter's check before redeeming -----------------------------------------------


class CheckStatus(enum.StrEnum):
    """What the counter's screen says about a code, before the one tap that redeems it."""

    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    NOT_YET = "not_yet"
    #: Not on this weekday or outside the daily hours (city time).
    NOT_TODAY = "not_today"
    #: Paused by the shop or hidden by the operator.
    UNAVAILABLE = "unavailable"
    WRONG_SHOP = "wrong_shop"
    NOT_FOUND = "not_found"
    #: An online-only deal shown at the counter.
    NOT_IN_STORE = "not_in_store"


@dataclass(frozen=True, slots=True)
class VoucherCheck:
    status: CheckStatus
    voucher: Voucher | None = None
    deal: Deal | None = None
    #: The refusal `voucher_redeem` would raise now (its message says when/where/why).
    error: Exception | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == CheckStatus.VALID


def voucher_check(code: str, shop: Shop, now: datetime) -> VoucherCheck:
    """What redeeming `code` in the shop would do now, without redeeming it (a read).

    The same checks, in the same order, as `services.voucher_redeem` (via the
    counter), whose refusals come back as `error`; the redeem itself re-checks
    under its conditional UPDATE, so a check is never a promise.
    """
    # Imported here so this section stays an append (several people extend this module).
    from comptoir.domain.deals import errors
    from comptoir.domain.deals.rules import check_usable
    from comptoir.domain.deals.services import _where, normalize_voucher_code

    voucher = (
        Voucher.objects.select_related(
            "deal__city", "deal__shop", "deal__free_product", "shop", "order"
        )
        .filter(code=normalize_voucher_code(code))
        .first()
    )
    if voucher is None:
        return VoucherCheck(CheckStatus.NOT_FOUND, error=errors.VoucherNotFound())
    deal = voucher.deal
    if voucher.shop_id != shop.pk:
        return VoucherCheck(
            CheckStatus.WRONG_SHOP,
            error=errors.VoucherWrongShop(params={"shop": voucher.shop.name}),
        )
    if voucher.redeemed_at is not None:
        used = errors.VoucherAlreadyRedeemed(redeemed_at=voucher.redeemed_at, where=_where(voucher))
        return VoucherCheck(CheckStatus.USED, voucher, deal, used)
    if not deal.in_store:
        return VoucherCheck(CheckStatus.NOT_IN_STORE, voucher, deal, errors.VoucherNotUsableHere())
    try:
        check_usable(deal, now)
    except errors.DealNotAvailable as error:
        status = CheckStatus.EXPIRED if deal.state == DealState.ENDED else CheckStatus.UNAVAILABLE
        return VoucherCheck(status, voucher, deal, error)
    except errors.DealNotStarted as error:
        return VoucherCheck(CheckStatus.NOT_YET, voucher, deal, error)
    except errors.DealExpired as error:
        return VoucherCheck(CheckStatus.EXPIRED, voucher, deal, error)
    except errors.DealOutsideHours as error:
        return VoucherCheck(CheckStatus.NOT_TODAY, voucher, deal, error)
    return VoucherCheck(CheckStatus.VALID, voucher, deal)


def voucher_of_customer(customer: User, code: str, *, now: datetime) -> CustomerVoucher | None:
    """One of the customer's vouchers by its code, with its status (None if not theirs)."""
    voucher = (
        Voucher.objects.filter(customer=customer, code=code)
        .select_related("deal__shop", "deal__city", "deal__free_product", "order")
        .first()
    )
    return None if voucher is None else CustomerVoucher(voucher, voucher_status(voucher, now))

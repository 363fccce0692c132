"""Deals ("bons plans") in the API: the city's deals and claiming them (customers);
publishing, pausing, figures and redeeming at the counter (shops).

The same services and selectors as the pages (`domain/deals/`): the cap, the
per-customer limit and the single redemption hold whoever calls.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import Field

from comptoir.domain.catalogue.models import Product
from comptoir.domain.deals.errors import DealNotFound, InvalidDeal
from comptoir.domain.deals.models import Deal, DealKind, Voucher
from comptoir.domain.deals.selectors import (
    deal_figures,
    deal_for_customer,
    deals_for_city,
    deals_of_shop,
    voucher_status,
    vouchers_of,
)
from comptoir.domain.deals.services import (
    deal_count_view,
    deal_create,
    deal_end,
    deal_pause,
    deal_resume,
    voucher_claim,
    voucher_redeem,
)
from comptoir.domain.shops.access import Permission
from comptoir.domain.shops.models import Membership, Trade
from comptoir.interfaces.api import schemas as s
from comptoir.interfaces.api.auth import CustomerToken, ShopToken, shop_membership, user_of
from comptoir.interfaces.api.present import clock, local
from comptoir.interfaces.api.routes.catalogue import city_or_404
from comptoir.interfaces.api.routes.shop import Moment

customer_router = Router(tags=["deals"])
ID_MAX = 2**31 - 1
shop_router = Router(tags=["shop deals"], auth=ShopToken())


class DealOut(s.Schema):
    id: int
    shop: s.ShopRef
    title: str
    description: str
    kind: Literal["percent_off", "amount_off", "free_item", "n_for_m"]
    percent: int | None
    amount: s.Money | None
    free_product: str | None
    buy_quantity: int | None
    pay_quantity: int | None
    whole_shop: bool
    product_ids: list[int]
    starts_at: datetime
    ends_at: datetime
    weekdays: list[int] = Field(description="0 = Monday … 6 = Sunday (city time).")
    daily_from: str | None
    daily_until: str | None
    in_store: bool
    online: bool
    terms: str
    vouchers_left: int | None = Field(description="Null: no limit.")
    per_customer_limit: int
    distance_km: float | None = None


def deal_out(deal: Deal, distance: float | None = None) -> DealOut:
    from comptoir.interfaces.api.present import shop_ref

    city = deal.city
    return DealOut(
        id=deal.pk,
        shop=shop_ref(deal.shop, city),
        title=deal.title,
        description=deal.description,
        kind=deal.kind,  # type: ignore[arg-type]
        percent=deal.percent,
        amount=s.money(deal.amount, city.currency) if deal.amount is not None else None,
        free_product=deal.free_product.name if deal.free_product else None,
        buy_quantity=deal.buy_quantity,
        pay_quantity=deal.pay_quantity,
        whole_shop=deal.whole_shop,
        product_ids=[] if deal.whole_shop else sorted(p.pk for p in deal.products.all()),
        starts_at=local(deal.starts_at, city),  # type: ignore[arg-type]
        ends_at=local(deal.ends_at, city),  # type: ignore[arg-type]
        weekdays=[day for day in range(7) if deal.weekdays & (1 << day)],
        daily_from=f"{deal.daily_from:%H:%M}" if deal.daily_from else None,
        daily_until=f"{deal.daily_until:%H:%M}" if deal.daily_until else None,
        in_store=deal.in_store,
        online=deal.online,
        terms=deal.terms,
        vouchers_left=None if deal.total_cap is None else deal.total_cap - deal.claimed_count,
        per_customer_limit=deal.per_customer_limit,
        distance_km=None if distance is None else round(distance, 2),
    )


class VoucherOut(s.Schema):
    code: str = Field(examples=["K7QF-3M2X"], description="Show it (or its QR code) at the till.")
    deal: DealOut
    status: Literal["valid", "used", "over", "not_now"]
    claimed_at: datetime
    redeemed_at: datetime | None


def voucher_out(voucher: Voucher) -> VoucherOut:
    city = voucher.deal.city
    return VoucherOut(
        code=voucher.code,
        deal=deal_out(voucher.deal),
        status=voucher_status(voucher, clock()).value,
        claimed_at=local(voucher.claimed_at, city),  # type: ignore[arg-type]
        redeemed_at=local(voucher.redeemed_at, city),
    )


class DealFilters(s.Schema):
    trade: Trade | None = None
    ending_within_hours: int | None = Field(default=None, ge=1, le=24 * 60)
    open_now: bool = False
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    radius_km: float = Field(default=5, gt=0, le=50)


@customer_router.get(
    "/cities/{slug:city}/deals", response=list[DealOut], auth=None, summary="The city's deals"
)
def deal_list(request: HttpRequest, city: str, filters: Query[DealFilters]) -> list[DealOut]:
    """Deals one can claim now, ending soonest first (nearest first with `lat`/`lng`)."""
    listed = deals_for_city(
        city_or_404(city),
        now=clock(),
        trade=filters.trade,
        ending_within=(
            timedelta(hours=filters.ending_within_hours) if filters.ending_within_hours else None
        ),
        open_now=filters.open_now,
        near=(
            (filters.lat, filters.lng, filters.radius_km)
            if filters.lat is not None and filters.lng is not None
            else None
        ),
        limit=100,
    )
    return [deal_out(item.deal, item.distance_km) for item in listed]


def _shown_deal(city: str, deal_id: int) -> Deal:
    deal = deal_for_customer(city_or_404(city), deal_id, now=clock())
    if deal is None:
        raise DealNotFound
    return deal


@customer_router.get(
    "/cities/{slug:city}/deals/{int:deal_id}",
    response={200: DealOut, 404: s.Problem},
    auth=None,
    summary="A deal",
)
def deal_get(request: HttpRequest, city: str, deal_id: int) -> DealOut:
    deal = _shown_deal(city, deal_id)
    deal_count_view(deal=deal)
    return deal_out(deal)


@customer_router.post(
    "/cities/{slug:city}/deals/{int:deal_id}/claim",
    response={201: VoucherOut, 404: s.Problem, 409: s.Problem},
    auth=CustomerToken(),
    summary="Claim a voucher",
)
def deal_claim(request: HttpRequest, city: str, deal_id: int) -> Status[VoucherOut]:
    """One tap: a voucher with a short code. 409 `deal_sold_out` when none is left,
    `voucher_limit_reached` when the customer has their share."""
    voucher = voucher_claim(
        deal=_shown_deal(city, deal_id),
        customer=user_of(request),
        now=clock(),
        link_url=request.build_absolute_uri,  # the e-mail copy links to the voucher's page
    )
    voucher = Voucher.objects.select_related("deal__shop", "deal__city").get(pk=voucher.pk)
    return Status(201, voucher_out(voucher))


@customer_router.get(
    "/me/vouchers", response=list[VoucherOut], auth=CustomerToken(), summary="My vouchers"
)
def my_vouchers(request: HttpRequest) -> list[VoucherOut]:
    """Usable ones first (ending soonest), then used, over or not-now ones."""
    return [voucher_out(item.voucher) for item in vouchers_of(user_of(request), now=clock())]


# --- The shop's side ------------------------------------------------------------------


class ShopDealOut(DealOut):
    state: Literal["live", "paused", "ended"]
    hidden_reason: str = Field(description="Why the operator hid it (empty if shown).")
    views: int
    claims: int
    redemptions: int


def shop_deal_out(deal: Deal) -> ShopDealOut:
    return ShopDealOut(
        **deal_out(deal).model_dump(),
        state=deal.state,  # type: ignore[arg-type]
        hidden_reason=deal.hidden_reason if deal.hidden_at else "",
        views=deal.view_count,
        claims=deal.claimed_count,
        redemptions=deal.redeemed_count,
    )


def _own_deal(membership: Membership, deal_id: int) -> Deal:
    deal = (
        Deal.objects.filter(pk=deal_id, shop=membership.shop).select_related("city", "shop").first()
    )
    if deal is None:
        raise DealNotFound
    return deal


@shop_router.get("/deals", response={200: list[ShopDealOut], 403: s.Problem}, summary="Our deals")
def shop_deals(request: HttpRequest) -> list[ShopDealOut]:
    membership = shop_membership(request, Permission.HANDLE_ORDERS)
    return [shop_deal_out(deal) for deal in deals_of_shop(membership.shop)]


class DealIn(s.Schema):
    title: str = Field(min_length=1, max_length=120, examples=["-20 % sur les galettes"])
    description: str = Field(default="", max_length=2000)
    kind: Literal["percent_off", "amount_off", "free_item", "n_for_m"]
    percent: int | None = Field(default=None, ge=1, le=100)
    amount: Decimal | None = Field(default=None, gt=0, max_digits=8, decimal_places=2)
    free_product_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    buy_quantity: int | None = Field(default=None, ge=2, le=100)
    pay_quantity: int | None = Field(default=None, ge=1, le=99)
    product_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        default=[], max_length=500, description="Empty: the whole shop."
    )
    starts_at: Moment
    ends_at: Moment
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default=[0, 1, 2, 3, 4, 5, 6], min_length=1, max_length=7, description="0 = Monday."
    )
    total_cap: int | None = Field(default=None, ge=1, le=1_000_000)
    per_customer_limit: int = Field(default=1, ge=1, le=100)
    in_store: bool = True
    online: bool = True
    terms: str = Field(default="", max_length=2000)


@shop_router.post(
    "/deals", response={201: ShopDealOut, 403: s.Problem, 422: s.Problem}, summary="Publish a deal"
)
def shop_deal_create(request: HttpRequest, payload: DealIn) -> Status[ShopDealOut]:
    """Live at once (shown from `starts_at`); owners only."""
    membership = shop_membership(request, Permission.MANAGE_CATALOGUE)
    shop = membership.shop
    products = list(Product.objects.filter(shop=shop, pk__in=payload.product_ids))
    if len(products) != len(set(payload.product_ids)):
        raise InvalidDeal(
            params={"reason": _("every product must be one of the shop's.")}, field="product_ids"
        )
    free = None
    if payload.free_product_id is not None:
        free = Product.objects.filter(shop=shop, pk=payload.free_product_id).first()
        if free is None:
            raise InvalidDeal(
                params={"reason": _("the free product must be one of the shop's.")},
                field="free_product_id",
            )
    weekdays = sum(1 << day for day in set(payload.weekdays))
    deal = deal_create(
        shop=shop,
        products=products,
        title=payload.title,
        description=payload.description,
        kind=DealKind(payload.kind),
        percent=payload.percent,
        amount=payload.amount,
        free_product=free,
        buy_quantity=payload.buy_quantity,
        pay_quantity=payload.pay_quantity,
        whole_shop=not products,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        weekdays=weekdays or 0,
        total_cap=payload.total_cap,
        per_customer_limit=payload.per_customer_limit,
        in_store=payload.in_store,
        online=payload.online,
        terms=payload.terms,
    )
    return Status(201, shop_deal_out(_own_deal(membership, deal.pk)))


def _deal_action(request: HttpRequest, deal_id: int, action: str) -> ShopDealOut:
    membership = shop_membership(request, Permission.MANAGE_CATALOGUE)
    deal = _own_deal(membership, deal_id)
    {"pause": deal_pause, "resume": deal_resume, "end": deal_end}[action](deal=deal)
    return shop_deal_out(_own_deal(membership, deal_id))


RESPONSES = {200: ShopDealOut, 403: s.Problem, 404: s.Problem, 409: s.Problem}


@shop_router.post("/deals/{int:deal_id}/pause", response=RESPONSES, summary="Pause a deal")
def shop_deal_pause(request: HttpRequest, deal_id: int) -> ShopDealOut:
    return _deal_action(request, deal_id, "pause")


@shop_router.post("/deals/{int:deal_id}/resume", response=RESPONSES, summary="Resume a deal")
def shop_deal_resume(request: HttpRequest, deal_id: int) -> ShopDealOut:
    return _deal_action(request, deal_id, "resume")


@shop_router.post("/deals/{int:deal_id}/end", response=RESPONSES, summary="End a deal early")
def shop_deal_end(request: HttpRequest, deal_id: int) -> ShopDealOut:
    return _deal_action(request, deal_id, "end")


class DealDayOut(s.Schema):
    day: str
    claims: int
    redemptions: int


class DealFiguresOut(s.Schema):
    views: int
    claims: int
    redemptions: int
    in_store: int
    online_orders: int
    revenue: s.Money
    days: list[DealDayOut]


@shop_router.get(
    "/deals/{int:deal_id}/figures",
    response={200: DealFiguresOut, 403: s.Problem, 404: s.Problem},
    summary="A deal's figures, per day",
)
def shop_deal_figures(request: HttpRequest, deal_id: int) -> DealFiguresOut:
    membership = shop_membership(request, Permission.VIEW_SALES)
    deal = _own_deal(membership, deal_id)
    figures = deal_figures(deal, now=clock())
    return DealFiguresOut(
        views=figures.views,
        claims=figures.claims,
        redemptions=figures.redemptions,
        in_store=figures.in_store,
        online_orders=figures.online_orders,
        revenue=s.money(figures.revenue, deal.city.currency),
        days=[
            DealDayOut(day=d.day.isoformat(), claims=d.claims, redemptions=d.redemptions)
            for d in figures.days
        ],
    )


class RedeemIn(s.Schema):
    code: str = Field(min_length=1, max_length=32, examples=["K7QF-3M2X"])


@shop_router.post(
    "/vouchers/redeem",
    response={200: VoucherOut, 403: s.Problem, 404: s.Problem, 409: s.Problem, 422: s.Problem},
    summary="Redeem a voucher at the counter",
)
def shop_voucher_redeem(request: HttpRequest, payload: RedeemIn) -> VoucherOut:
    """The code as typed or scanned (case, spaces and dashes do not matter). Refusals
    say why: 404 `voucher_not_found`, 409 `voucher_already_redeemed` (when and where),
    `deal_expired`, `deal_outside_hours`; 422 `voucher_wrong_shop`."""
    membership = shop_membership(request, Permission.HANDLE_ORDERS)
    voucher = voucher_redeem(
        code=payload.code, shop=membership.shop, now=clock(), actor=user_of(request)
    )
    voucher = Voucher.objects.select_related("deal__shop", "deal__city").get(pk=voucher.pk)
    return voucher_out(voucher)

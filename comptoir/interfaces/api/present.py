"""Domain objects → API schemas: the one place the API decides how things are shown.

Times are given in the city's time zone (ISO 8601 with its offset), money as
decimal strings with the city's currency.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from comptoir.domain.accounts.models import ApiToken
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.deals.online import ShopVouchers
from comptoir.domain.orders.models import Order, OrderState
from comptoir.domain.orders.selectors import BasketView, ShopBasket
from comptoir.domain.orders.totals import PricedLine, compute_totals
from comptoir.domain.shops.hours import opening_status, week_table
from comptoir.domain.shops.models import Shop, Trade
from comptoir.interfaces.api import schemas as s


def clock() -> datetime:
    """The API's clock: one seam so tests can freeze "now"."""
    return timezone.now()


def local(moment: datetime | None, city: City) -> datetime | None:
    return None if moment is None else moment.astimezone(city.zone)


def city_out(city: City) -> s.CityOut:
    return s.CityOut(
        slug=city.slug,
        name=city.name,
        time_zone=city.time_zone,
        currency=city.currency,
        latitude=str(city.latitude),
        longitude=str(city.longitude),
    )


def shop_summary(shop: Shop, now: datetime, distance: float | None = None) -> s.ShopSummary:
    status = opening_status(shop, now)
    return s.ShopSummary(
        id=shop.pk,
        slug=shop.slug,
        name=shop.name,
        trade=shop.trade,
        trade_label=str(Trade(shop.trade).label),
        tagline=shop.tagline,
        address=f"{shop.street}, {shop.postal_code} {shop.locality}",
        latitude=str(shop.latitude),
        longitude=str(shop.longitude),
        opening=s.OpeningOut(
            is_open=status.is_open,
            closes_at=local(status.closes_at, shop.city),
            opens_at=local(status.opens_at, shop.city),
        ),
        distance_km=None if distance is None else round(distance, 2),
    )


def shop_ref(shop: Shop, city: City) -> s.ShopRef:
    return s.ShopRef(
        id=shop.pk,
        slug=shop.slug,
        name=shop.name,
        city=city.slug,
        address=f"{shop.street}, {shop.postal_code} {shop.locality}",
        phone=str(shop.phone or ""),
    )


def shop_detail(shop: Shop, now: datetime) -> s.ShopDetail:
    currency = shop.city.currency
    summary = shop_summary(shop, now)
    return s.ShopDetail(
        **summary.model_dump(),
        description=shop.description,
        phone=str(shop.phone or ""),
        hours=[
            s.DayHoursOut(
                weekday=day.weekday,
                ranges=[
                    s.OpeningRange(opens=f"{r.opens:%H:%M}", closes=f"{r.closes:%H:%M}")
                    for r in day.ranges
                ],
            )
            for day in week_table(shop, now)
        ],
        fulfilment=s.FulfilmentOptions(
            collect=shop.collect_enabled,
            delivery=shop.delivery_enabled,
            delivery_fee=s.money(shop.delivery_fee, currency) if shop.delivery_enabled else None,
            delivery_minimum=(
                s.money(shop.delivery_minimum, currency) if shop.delivery_enabled else None
            ),
            delivery_radius_km=str(shop.delivery_radius_km) if shop.delivery_enabled else None,
            orders_paused=shop.orders_paused,
        ),
    )


def _available(product: Product, now: datetime) -> bool:
    if not product.is_active or not product.shop.is_active:
        return False
    if product.sold_out_until is not None and product.sold_out_until > now:
        return False
    return product.stock is None or product.stock > 0


def product_out(product: Product, now: datetime, currency: str = "EUR") -> s.ProductOut:
    photo = product.photo_thumbnail or product.photo
    return s.ProductOut(
        id=product.pk,
        shop_id=product.shop_id,
        slug=product.slug,
        name=product.name,
        description=product.description,
        category=product.category.name if product.category_id and product.category else None,
        price=s.money(product.price, currency),
        unit=product.unit,
        vat_rate=str(product.vat_rate),
        available=_available(product, now),
        stock=product.stock,
        photo_url=photo.url if photo else None,
    )


def _paid_vat(part: ShopBasket, vouchers: ShopVouchers) -> Decimal:
    """The VAT of a shop's part once its voucher is taken off (the fee is not known yet)."""
    if vouchers.applied is None:
        return part.totals.vat_total
    priced = [
        PricedLine(line.product.price, line.quantity, line.product.vat_rate) for line in part.lines
    ]
    return compute_totals(priced, discounts=vouchers.applied.line_discounts).vat_total


def _shop_basket_out(
    city: City, part: ShopBasket, vouchers: ShopVouchers, now: datetime
) -> s.ShopBasketOut:
    currency = city.currency
    return s.ShopBasketOut(
        shop=shop_ref(part.shop, city),
        lines=[
            s.BasketLineOut(
                product=product_out(line.product, now, currency),
                quantity=line.quantity,
                line_total=s.money(line.line_total, currency),
                availability=line.availability,  # type: ignore[arg-type]
                available=line.available,
            )
            for line in part.lines
        ],
        subtotal=s.money(part.totals.subtotal, currency),
        discount=s.money(vouchers.discount, currency),
        voucher_code=vouchers.code or None,
        vouchers_not_used=[
            s.VoucherNoteOut(code=note.code, title=note.title, reason=note.reason)
            for note in vouchers.notes
        ],
        vat=s.money(_paid_vat(part, vouchers), currency),
        can_be_ordered=part.can_be_ordered,
        delivery_missing=s.money(part.delivery_missing, currency),
    )


def basket_out(
    city: City,
    view: BasketView,
    now: datetime,
    vouchers: dict[int, ShopVouchers] | None = None,
) -> s.BasketOut:
    """The basket; `vouchers` (of `deals.online.vouchers_for_basket`) adds each shop's discount."""
    currency = city.currency
    vouchers = vouchers or {}
    return s.BasketOut(
        city=city.slug,
        shops=[
            _shop_basket_out(city, part, vouchers.get(part.shop.pk, ShopVouchers()), now)
            for part in view.shops
        ],
        subtotal=s.money(view.subtotal, currency),
        item_count=view.item_count,
        can_be_ordered=view.can_be_ordered,
    )


def order_out(order: Order, now: datetime) -> s.OrderOut:
    city = order.city
    currency = city.currency
    return s.OrderOut(
        number=order.number,
        shop=shop_ref(order.shop, city),
        state=order.state,
        state_label=str(OrderState(order.state).label),
        fulfilment=order.fulfilment,  # type: ignore[arg-type]
        slot_starts_at=local(order.slot_starts_at, city),  # type: ignore[arg-type]
        slot_ends_at=local(order.slot_ends_at, city),  # type: ignore[arg-type]
        ready_by=local(order.ready_by, city),
        pickup_code=order.pickup_code,
        subtotal=s.money(order.subtotal, currency),
        discount=s.money(order.discount, currency),
        voucher_code=order.voucher_code or None,
        delivery_fee=s.money(order.delivery_fee, currency),
        total=s.money(order.total, currency),
        placed_at=local(order.placed_at, city),  # type: ignore[arg-type]
        lines=[
            s.OrderLineOut(
                product_id=line.product_id,
                name=line.product_name,
                quantity=line.quantity,
                unit_price=s.money(line.unit_price, currency),
                line_total=s.money(line.line_total, currency),
                discount=s.money(line.discount, currency),
            )
            for line in order.lines.all()
        ],
    )


def token_out(token: ApiToken) -> s.TokenOut:
    return s.TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        shop_id=token.shop_id,
        created_at=token.created_at,
        expires_at=token.expires_at,
        last_used_at=token.last_used_at,
    )


ZERO = Decimal("0.00")

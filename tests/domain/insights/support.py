"""Shops with known lives and orders in Rouen, for the insights tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal, DealKind, Voucher
from comptoir.domain.shops.models import Shop, Trade
from tests.factories import make_shop

PARIS = ZoneInfo("Europe/Paris")
#: Wednesday 11 March 2026, noon in Rouen: week 2026-W11 runs from Monday 9 March.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=PARIS).astimezone(UTC)
#: Long before every week shown.
LONG_AGO = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def live_shop(
    city: City, *, trade: str = Trade.BAKERY, postal_code: str = "76000", **fields: Any
) -> Shop:
    """A shop approved long ago and still published."""
    fields.setdefault("approved_at", LONG_AGO)
    return make_shop(city, trade=trade, postal_code=postal_code, **fields)


def live_shops(city: City, count: int, **fields: Any) -> list[Shop]:
    return [live_shop(city, **fields) for _ in range(count)]


def set_fields(shop: Shop, **fields: Any) -> Shop:
    """Write fields straight to the row (updated_at included: `update` skips auto_now)."""
    Shop.objects.filter(pk=shop.pk).update(**fields)
    shop.refresh_from_db()
    return shop


_codes = iter(range(1, 10**6))


def make_voucher(
    shop: Shop, *, claimed_at: datetime, redeemed_at: datetime | None = None
) -> Voucher:
    deal = Deal.objects.create(
        city=shop.city,
        shop=shop,
        title="-10 %",
        kind=DealKind.PERCENT_OFF,
        percent=10,
        starts_at=LONG_AGO,
        ends_at=NOW,
    )
    return Voucher.objects.create(
        city_id=shop.city_id,
        shop=shop,
        deal=deal,
        number=1,
        code=f"INS-{next(_codes):05d}",
        claimed_at=claimed_at,
        redeemed_at=redeemed_at,
        redeemed_via="store" if redeemed_at else "",
    )

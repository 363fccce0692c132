"""Demo deals (issue #7): a handful of live deals of different kinds in the demo city.

Written through `deal_create` (a few rows: the service's checks cost nothing
here), one per trade for the first shops that take orders, so the deals page,
the city home's strip and the shop pages have something to show.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.deals.models import Deal, DealKind
from comptoir.domain.deals.services import deal_create
from comptoir.domain.shops.models import Shop

#: Monday to Saturday (bit 0 = Monday).
WORKING_DAYS = 0b0111111


def _specs(city: City, now: datetime) -> list[dict[str, Any]]:
    # Round times in the city's zone: from yesterday's midnight, ending at 19:00.
    today = now.astimezone(city.zone).replace(hour=0, minute=0, second=0, microsecond=0)
    start = today - timedelta(days=1)
    evening = today.replace(hour=19)
    specs: list[dict[str, Any]] = [
        {
            "title": "-20 % sur toute la boutique",
            "kind": DealKind.PERCENT_OFF,
            "percent": 20,
            "ends_at": evening + timedelta(days=3),
            "terms": "Hors promotions en cours. Un bon par passage.",
        },
        {
            "title": "3 € offerts sur votre commande",
            "kind": DealKind.AMOUNT_OFF,
            "amount": Decimal("3.00"),
            "ends_at": evening + timedelta(days=6),
            "total_cap": 50,
            "terms": "Un bon par commande.",
        },
        {
            "title": "Un produit offert pour tout achat",
            "kind": DealKind.FREE_ITEM,
            "ends_at": evening + timedelta(days=1),
            "weekdays": WORKING_DAYS,
            "in_store": True,
            "online": False,
        },
        {
            "title": "3 pour le prix de 2, en fin de journée",
            "kind": DealKind.N_FOR_M,
            "buy_quantity": 3,
            "pay_quantity": 2,
            "ends_at": evening + timedelta(days=10),
            "daily_from": time(16, 0),
            "daily_until": time(19, 0),
        },
        {
            "title": "-10 % sur votre commande en ligne",
            "kind": DealKind.PERCENT_OFF,
            "percent": 10,
            "ends_at": evening + timedelta(days=14),
            "in_store": False,
            "online": True,
        },
        {
            "title": "Les 10 premiers : -15 %",
            "kind": DealKind.PERCENT_OFF,
            "percent": 15,
            "ends_at": evening + timedelta(days=2),
            "total_cap": 10,
            "per_customer_limit": 1,
        },
    ]
    return [spec | {"starts_at": start} for spec in specs]


def demo_deals_ensure(*, city: City, now: datetime) -> list[Deal]:
    """One deal each for the first shops of distinct trades that take orders."""
    shops: list[Shop] = []
    trades: set[str] = set()
    for shop in Shop.objects.filter(city=city, is_active=True, is_paused=False).order_by("pk"):
        if shop.trade not in trades:
            trades.add(shop.trade)
            shops.append(shop)
    deals = []
    for shop, spec in zip(shops, _specs(city, now), strict=False):
        fields = dict(spec)
        if fields["kind"] == DealKind.FREE_ITEM:
            product = Product.objects.filter(shop=shop, is_active=True).order_by("price").first()
            if product is None:
                continue
            fields["free_product"] = product
            fields["title"] = f"{product.name} offert pour tout achat"
        deals.append(deal_create(shop=shop, **fields))
    return deals

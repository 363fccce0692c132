"""Shared set-up of the deals tests: a Rouen bakery and its weekend deal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.domain.deals.models import Deal, DealKind
from comptoir.domain.deals.services import deal_create
from comptoir.domain.shops.models import Shop

PARIS = ZoneInfo("Europe/Paris")
#: Saturday 5 December 2026, 10:00 in Rouen.
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=PARIS).astimezone(UTC)


def make_deal(shop: Shop, **fields: Any) -> Deal:
    defaults: dict[str, Any] = {
        "title": "-20 % sur les galettes",
        "kind": DealKind.PERCENT_OFF,
        "percent": 20,
        "starts_at": NOW - timedelta(days=1),
        "ends_at": NOW + timedelta(days=2),
    }
    return deal_create(shop=shop, **(defaults | fields))


__all__ = ["NOW", "PARIS", "Decimal", "make_deal"]

"""Shared set-up of the billing tests: an issuer, a Rouen plan, a subscribed shop, sales."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from comptoir.domain.billing.models import Issuer, Plan, Subscription
from comptoir.domain.billing.services import subscription_start
from comptoir.domain.orders.models import Order, OrderEvent, OrderState
from comptoir.domain.shops.models import Shop
from tests.sales_orders import make_order

PARIS = ZoneInfo("Europe/Paris")
#: 1 April 2026, 00:30 in Rouen: March is billed.
RUN_AT = datetime(2026, 4, 1, 0, 30, tzinfo=PARIS).astimezone(UTC)


def make_issuer(**fields: Any) -> Issuer:
    defaults: dict[str, Any] = {
        "name": "Comptoir SAS",
        "street": "1 place du Vieux-Marché",
        "postal_code": "76000",
        "locality": "Rouen",
        "siren": "123456789",
        "siret": "12345678900012",
        "vat_number": "FR32123456789",
        "legal_form": "SAS au capital de 10 000 €",
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
    }
    return Issuer.objects.create(**(defaults | fields))


def make_plan(city: Any, **fields: Any) -> Plan:
    defaults: dict[str, Any] = {
        "name": "Essentiel",
        "monthly_fee": Decimal("29.00"),
        "commission_percent": Decimal("2.50"),
        "trial_days": 0,
    }
    return Plan.objects.create(city=city, **(defaults | fields))


def subscribe(shop: Shop, plan: Plan, starts_on: date = date(2026, 1, 1)) -> Subscription:
    return subscription_start(shop=shop, plan=plan, starts_on=starts_on)


def handed_over(
    shop: Shop, at: datetime, total: Decimal, placed_at: datetime | None = None
) -> Order:
    """An order handed over (collected) at `at`, with the event that says so."""
    order = make_order(shop, placed_at=placed_at or at, total=total, state=OrderState.COLLECTED)
    OrderEvent.objects.create(
        city_id=shop.city_id,
        order=order,
        from_state=OrderState.READY,
        to_state=OrderState.COLLECTED,
        at=at,
    )
    return order


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)

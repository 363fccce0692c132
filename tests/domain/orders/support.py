"""Shared set-up of the orders tests: a Rouen morning, two shops, a customer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from comptoir.domain.accounts.models import User
from comptoir.domain.catalogue.models import Product
from comptoir.domain.cities.models import City
from comptoir.domain.orders.checkout import Collect, Contact, Delivery
from comptoir.domain.orders.models import Basket
from comptoir.domain.orders.services import basket_add, basket_for
from comptoir.domain.shops.models import Shop
from tests.factories import make_opening_hours, make_product, make_shop, make_user

PARIS = ZoneInfo("Europe/Paris")
#: Tuesday 10 March 2026, 9:00 in Rouen.
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=PARIS).astimezone(UTC)
#: On the 15-minute pickup grid from 8:00, after the 30-minute preparation.
COLLECT_AT = datetime(2026, 3, 10, 10, 0, tzinfo=PARIS).astimezone(UTC)
#: On the 60-minute delivery grid from 8:00.
DELIVER_AT = datetime(2026, 3, 10, 11, 0, tzinfo=PARIS).astimezone(UTC)
CONTACT = Contact(name="Camille Martin", email="camille@example.fr", phone="06 12 34 56 78")


def open_all_week(shop: Shop) -> Shop:
    for weekday in range(7):
        make_opening_hours(shop, weekday, "08:00", "19:00")
    return shop


def collect_shop(city: City, **fields: object) -> Shop:
    return open_all_week(make_shop(city, name=fields.pop("name", "Boulangerie Jeanne"), **fields))


def delivery_shop(city: City, **fields: object) -> Shop:
    defaults: dict[str, object] = {
        "name": "Fromagerie du Vieux-Marché",
        "delivery_enabled": True,
        "delivery_fee": Decimal("3.50"),
        "delivery_minimum": Decimal("10.00"),
        "delivery_radius_km": Decimal("3.00"),
    }
    return open_all_week(make_shop(city, **(defaults | fields)))


def delivery_to(starts_at: datetime = DELIVER_AT) -> Delivery:
    return Delivery(
        slot_starts_at=starts_at,
        line1="12 rue Beauvoisine",
        postal_code="76000",
        locality="Rouen",
        latitude=Decimal("49.444000"),
        longitude=Decimal("1.095000"),
        instructions="Code 1234",
    )


def collect_at(starts_at: datetime = COLLECT_AT) -> Collect:
    return Collect(slot_starts_at=starts_at)


@dataclass
class Scene:
    city: City
    customer: User
    bakery: Shop
    cheese: Shop
    baguette: Product
    croissant: Product
    comte: Product
    basket: Basket

    def expected(self) -> dict[int, tuple[Decimal, int]]:
        return {
            line.product_id: (line.product.price, line.quantity)
            for line in self.basket.lines.select_related("product")
        }

    def choices(self) -> dict[int, Collect | Delivery]:
        return {self.bakery.pk: collect_at(), self.cheese.pk: delivery_to()}


def make_scene(city: City) -> Scene:
    customer = make_user(email="camille@example.fr")
    bakery = collect_shop(city)
    cheese = delivery_shop(city)
    baguette = make_product(bakery, name="Baguette tradition", price=Decimal("1.30"), stock=10)
    croissant = make_product(
        bakery, name="Croissant", price=Decimal("1.15"), vat_rate=Decimal("10.00"), stock=6
    )
    comte = make_product(
        cheese, name="Comté 18 mois", price=Decimal("8.90"), vat_rate=Decimal("5.50"), stock=4
    )
    basket = basket_for(city=city, user=customer, create=True)
    assert basket is not None
    basket_add(basket=basket, product=baguette, quantity=2)
    basket_add(basket=basket, product=croissant, quantity=3)
    basket_add(basket=basket, product=comte, quantity=2)
    return Scene(city, customer, bakery, cheese, baguette, croissant, comte, basket)
